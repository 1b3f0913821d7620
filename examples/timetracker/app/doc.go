// Package app holds what the time tracker's JSON API (package api) and its
// HTML pages (package web) both need, so that the pages do not import the
// API and each rule is written once:
//
//   - the one mapping from domain error codes to HTTP statuses ([Status],
//     [FormStatus], [Classify]) and the choice between answering an error
//     as JSON or as a page ([Errors]);
//   - who may use a route ([Access], [Route], [Allowed]);
//   - the declared product events and their properties ([Schema]);
//   - account erasure ([EraseAccount], claim R2);
//   - the entries CSV ([StreamCSV], [CSVWriter]) and the Excel workbooks of
//     the entries and the summary ([WriteEntriesXLSX], [WriteSummaryXLSX]);
//   - reading import files from Toggl Track, Clockify and this app's own
//     CSV ([ParseImport], [Import]);
//   - the caller's time zone on a request's context ([WithLocation],
//     [Location]).
package app
