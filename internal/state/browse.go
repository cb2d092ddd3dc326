package state

// BrowsePage is a page of one kind's records, as the control API lists them to be read by a
// person (the dashboard) or a script: the kind's record count and the records of the page.
type BrowsePage struct {
	Total   int         `json:"total"`
	Records []DocRecord `json:"records"`
}

// Browse reads at most limit records of provider's kind, in key order, skipping the first
// offset. Keys and values are written as in a world document (DocRecord).
func (t *Tx) Browse(provider, kind string, offset, limit int) BrowsePage {
	c := t.Coll(provider, kind)
	page := BrowsePage{Total: c.Count(), Records: []DocRecord{}}
	c.Page(offset, limit, func(k, v []byte) error {
		page.Records = append(page.Records, exportRecord(k, v))
		return nil
	})
	return page
}

// BrowseOne reads the record of provider's kind whose id (an integer id) or key (a string
// key) is id, and whether there is one.
func (t *Tx) BrowseOne(provider, kind, id string) (DocRecord, bool) {
	c := t.Coll(provider, kind)
	if n, ok := parseID(id); ok {
		if raw := c.Raw(ID(n)); raw != nil {
			return exportRecord(ID(n), raw), true
		}
	}
	if raw := c.Raw(Key(id)); raw != nil {
		return exportRecord(Key(id), raw), true
	}
	return DocRecord{}, false
}

// parseID reads a decimal id below 2^56 (the ids a DocKey writes as numbers).
func parseID(s string) (uint64, bool) {
	if s == "" || len(s) > 17 {
		return 0, false
	}
	var n uint64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + uint64(r-'0')
	}
	return n, n < 1<<56
}
