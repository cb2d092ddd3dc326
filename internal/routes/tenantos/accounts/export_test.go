package accounts

// OperationPermissions and CataloguePermission let the tests check the permission table.
var OperationPermissions = operationPermissions

// CataloguePermission reports whether the catalogue has permission p.
func CataloguePermission(p string) bool { _, ok := permissionIDs[p]; return ok }

// Open is the table's mark of what every signed-in user may call.
const Open = open
