package state

// The bbolt file is laid out as below. Every name is a package variable here; nothing else in
// the tree spells a bucket name.
//
//	meta/
//	    schema                 -> schema version, decimal ("1")
//	tokens/
//	    <token>                -> world id [NUL scope]: a scoped token (an API key made
//	                              through one provider's API) opens that provider only
//	worlds/
//	    <world id>/
//	        meta/
//	            info           -> WorldInfo JSON (created, clock when made or reset, origin)
//	            clock          -> the clock's high-water mark, unix ns, 8 bytes BE: raised by
//	                              every write transaction and clock save; only a reset
//	                              or a snapshot restore puts it back
//	        tasks/
//	            <due ns, 8 bytes BE><task id, 8 bytes BE> -> Task JSON
//	        <provider>/
//	            <kind>/        -> records: <key> -> JSON; the bucket's sequence is the id counter
//	            idx:<name>/    -> secondary index: <key> -> value (usually a record key)
//	            set:<name>/    -> multi-valued index: <key>/ -> { <member> -> "" }
//	snapshots/
//	    <world id>/
//	        <snapshot name>/   -> a copy of worlds/<world id>/ taken at one instant
//
// Record keys made from integers are 8-byte big-endian (ID) so cursors walk them in id order.

var (
	bucketMeta      = []byte("meta")
	bucketTokens    = []byte("tokens")
	bucketWorlds    = []byte("worlds")
	bucketSnapshots = []byte("snapshots")
	bucketTasks     = []byte("tasks")

	keySchema = []byte("schema")
	keyInfo   = []byte("info")
	keyClock  = []byte("clock")
	keyLazy   = []byte("lazy")
)

const (
	indexPrefix = "idx:"
	setPrefix   = "set:"
	countPrefix = "n:"

	seededPrefix = "seeded:"
)
