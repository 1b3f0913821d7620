// Package telemetry is opt-in install telemetry: an anonymous fingerprint,
// one first-run ping per installation and a daily update check on the
// sending side; the server that receives them is in package
// [github.com/discreet-dev/discreet/telemetry/receiver].
//
// # What is sent
//
// Nothing, unless the operator sets ENABLE_TELEMETRY=true and TELE_URL (see
// package [consent]). When on, each ping is one small JSON object, a [Ping],
// and never anything more:
//
//	{"schema":1,"kind":"install","fingerprint":"d482…107e","version":"1.4.0",
//	 "installed_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}
//
// kind is "install" for the first-run ping and "update_check" afterwards.
// The fingerprint is [Fingerprint] of the hostname and TELE_SALT: the
// lowercase hex SHA-256 of the two strings one after the other, which an
// operator can recompute with sha256sum. When TELE_SALT is shorter than
// [MinSaltLen] characters a random salt is generated once and kept in the
// state file instead, because a hostname alone is easy to guess.
// [Reporter.Preview] returns the exact bytes the next ping would carry, so
// the payload can be read before it is ever sent; when the salt has to be
// generated, the first preview generates it and keeps it in the state file,
// so the fingerprint it shows is the one the pings will carry.
//
// # The sending side
//
// [New] builds a [Reporter] from [consent.Settings]; when telemetry is off
// it is a no-op that opens no connection and writes no file (a preview
// that has to generate the salt writes the state file, nothing else). [Reporter.Run]
// belongs in its own goroutine:
//
//	rep, err := telemetry.New(settings, telemetry.Options{
//		Version:   version,
//		StatePath: filepath.Join(dataDir, "telemetry.json"),
//		Logger:    logger,
//	})
//	if err != nil { ... }
//	go rep.Run(ctx)
//
// The reporter keeps a small state file (written atomically, mode 0600):
// when the installation started, the version last seen and when it
// changed, whether the first-run ping went out, and the generated salt if
// one was needed. So the install ping is sent once per installation, not
// once per process. A server that is down, slow or failing only makes the
// reporter retry later, with exponential backoff and jitter; it never
// delays the application. [Reporter.Latest] holds the newest version named
// by the server's last answer.
//
// # The receiving side
//
// [github.com/discreet-dev/discreet/telemetry/receiver] is the http.Handler
// of a telemetry server: it checks every ping with [Ping.Validate] and more
// (size, exact fields) and hands good ones to its Store, and never reads
// the sender's address. examples/telemetry-server is a complete server with
// a Store on database/sql for SQLite and PostgreSQL.
package telemetry
