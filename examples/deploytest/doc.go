// Package deploytest holds the tests of the repository's deploy/
// directory: the Dockerfile's build flags, .env.example against the
// README's tables, the systemd unit, the logrotate snippet against a
// running app, and the scaled topology (two app processes on one
// PostgreSQL behind Debian's nginx with the compose stack's proxy
// template, scraped by Debian's Prometheus with the compose stack's
// configuration, rules and dashboard queries), all without Docker.
//
// The tests that need outside programs skip with a message naming the
// variable to set: TEST_POSTGRES_URL, NGINX_BIN, PROMETHEUS_BIN,
// LOGROTATE_BIN. .ci/run sets them all.
package deploytest
