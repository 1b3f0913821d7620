// Package app holds what the time tracker's JSON API (package api) and its
// HTML pages (package web) both need, so that neither imports the other
// and each rule is written once: the one mapping from domain error codes
// to HTTP statuses, and the choice between answering an error as JSON or
// as a page.
package app
