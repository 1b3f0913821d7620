package store

// Unexported helpers the external tests reach through these names.
var (
	MapErr = mapErr
	Rebind = rebind
)
