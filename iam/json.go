package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// node is one JSON value of a policy document, kept with its members in document order so that
// duplicates can be refused: encoding/json keeps the last of two members of one name silently, and a
// policy whose second "Effect" quietly replaces the first is a policy that does not say what it reads.
type node struct {
	kind    nodeKind
	text    string   // a string's value, a number's literal text, "true"/"false" for a bool
	members []member // an object's members
	items   []*node  // an array's items
}

type member struct {
	name  string
	value *node
}

type nodeKind int

const (
	nullNode nodeKind = iota
	boolNode
	numberNode
	stringNode
	arrayNode
	objectNode
)

// String names the kind in the words error messages use.
func (k nodeKind) String() string {
	switch k {
	case boolNode:
		return "a boolean"
	case numberNode:
		return "a number"
	case stringNode:
		return "a string"
	case arrayNode:
		return "a list"
	case objectNode:
		return "an object"
	}
	return "null"
}

// maxDepth bounds nesting: a policy is at most five levels deep (document, Statement list, statement,
// Condition, operator, key list), so anything far deeper is not a policy and must not exhaust the stack.
const maxDepth = 16

// decodeJSON reads exactly one JSON value from doc, refusing duplicate member names and trailing data.
func decodeJSON(doc []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	n, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the policy document")
	}
	return n, nil
}

func decodeValue(dec *json.Decoder, depth int) (*node, error) {
	if depth > maxDepth {
		return nil, errors.New("document nested too deeply")
	}
	tok, err := token(dec)
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &node{kind: nullNode}, nil
	case bool:
		if t {
			return &node{kind: boolNode, text: "true"}, nil
		}
		return &node{kind: boolNode, text: "false"}, nil
	case json.Number:
		return &node{kind: numberNode, text: t.String()}, nil
	case string:
		return &node{kind: stringNode, text: t}, nil
	case json.Delim:
		switch t {
		case '[':
			n := &node{kind: arrayNode}
			for dec.More() {
				item, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
			return n, closeDelim(dec)
		case '{':
			n := &node{kind: objectNode}
			var seen map[string]bool // past a few members, so that a huge object is not quadratic
			for dec.More() {
				tok, err := token(dec)
				if err != nil {
					return nil, err
				}
				name := tok.(string) // the decoder only yields strings as member names
				var dup bool
				if len(n.members) < 8 {
					dup = n.member(name) != nil
				} else {
					if seen == nil {
						seen = make(map[string]bool)
						for _, m := range n.members {
							seen[m.name] = true
						}
					}
					dup = seen[name]
					seen[name] = true
				}
				if dup {
					return nil, fmt.Errorf("duplicate member %q", name)
				}
				value, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{name, value})
			}
			return n, closeDelim(dec)
		}
	}
	return nil, fmt.Errorf("invalid JSON: unexpected %v", tok)
}

// token reads the next token, naming a document cut short as such.
func token(dec *json.Decoder) (json.Token, error) {
	tok, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return nil, errors.New("unexpected end of document")
	case err != nil:
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return tok, nil
}

// closeDelim reads the ']' or '}' that ends the array or object being decoded.
func closeDelim(dec *json.Decoder) error {
	_, err := token(dec)
	return err
}

// member returns the value of the object member called name, or nil.
func (n *node) member(name string) *node {
	for _, m := range n.members {
		if m.name == name {
			return m.value
		}
	}
	return nil
}
