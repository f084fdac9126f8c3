package engine

import (
	"encoding/json"

	"github.com/upexport/upexport/provider"
)

// item is one fetched JSON item with what the engine needs to sort, merge
// and page it, as its resource's Keys read it. The schema package reads
// the rest.
type item struct {
	raw     json.RawMessage
	id      string // the API's id of the item; "" when it has none
	key     string // the merge key when it is not the id
	time    int64  // orders the items
	updated int64  // last update, Unix seconds; 0 when unknown
	date    int64  // the item's day, YYYYMMDD; 0 when it has none
}

func parseItem(ep provider.Resource, raw json.RawMessage) (item, error) {
	k, err := ep.Keys(raw)
	return item{raw: raw, id: k.ID, key: k.Key, time: k.Time, updated: k.Updated, date: k.Day}, err
}

// mergeKey identifies the item across pages and runs: its id, else its
// declared key, else (an item never edited that has neither) its content.
func (it item) mergeKey() string {
	switch {
	case it.id != "":
		return it.id
	case it.key != "":
		return "key:" + it.key
	}
	return "raw:" + string(it.raw)
}

// less orders items by time, then id: the stable order of every table.
func less(a, b item) int {
	switch {
	case a.time < b.time:
		return -1
	case a.time > b.time:
		return 1
	case a.id < b.id:
		return -1
	case a.id > b.id:
		return 1
	}
	return 0
}
