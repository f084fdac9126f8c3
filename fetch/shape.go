package fetch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// OpenItems reads the data of an endpoint whose shape no recording shows
// (timezone, mood): a bare list of items, a collection {"items": [...]},
// or a single item object. null, {} and [] hold no items. Anything else
// (a number, a string, items that is not a list) is an error.
func OpenItems(data json.RawMessage) ([]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil
	}
	switch data[0] {
	case 'n':
		if string(data) == "null" {
			return nil, nil
		}
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, fmt.Errorf("data is not a list of items: %w", err)
		}
		return list, nil
	case '{':
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			return nil, fmt.Errorf("data is not an object: %w", err)
		}
		if len(fields) == 0 {
			return nil, nil
		}
		if raw, ok := fields["items"]; ok {
			if t := bytes.TrimSpace(raw); len(t) > 0 && (t[0] == '[' || string(t) == "null") {
				var list []json.RawMessage
				if err := json.Unmarshal(t, &list); err != nil {
					return nil, fmt.Errorf("data.items is not a list: %w", err)
				}
				return list, nil
			}
		}
		return []json.RawMessage{data}, nil
	}
	return nil, errors.New("data is neither a list, a collection nor an object")
}
