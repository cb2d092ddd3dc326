package sim

import (
	"fmt"
	"sync"

	"github.com/panelsim/panelsim/internal/openapi"
	"github.com/panelsim/panelsim/specs"
)

// fullOperations are the operations of each provider's full document, by id: the runtime
// documents the providers route with have no response bodies to check answers against.
// Loaded once per process, for simulators that check responses (the tests).
var fullOperations sync.Map // provider name → func() (map[string]*openapi.Operation, error)

// fullOperation is the operation id of the provider's full document.
func fullOperation(provider, id string) (*openapi.Operation, error) {
	load, _ := fullOperations.LoadOrStore(provider, sync.OnceValues(func() (map[string]*openapi.Operation, error) {
		doc, err := specs.Load(provider)
		if err != nil {
			return nil, err
		}
		ops, err := openapi.Operations(doc)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*openapi.Operation, len(ops))
		for _, op := range ops {
			byID[op.ID] = op
		}
		return byID, nil
	}))
	ops, err := load.(func() (map[string]*openapi.Operation, error))()
	if err != nil {
		return nil, err
	}
	if op := ops[id]; op != nil {
		return op, nil
	}
	return nil, fmt.Errorf("%s: operation %s is not in the full document", provider, id)
}
