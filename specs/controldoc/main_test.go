package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/panelsim/panelsim/specs"
)

// The committed page is what the generator writes from specs/control.yaml today.
func TestPageInStep(t *testing.T) {
	raw, err := specs.Raw(specs.Control)
	if err != nil {
		t.Fatal(err)
	}
	want, err := render(raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../" + page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date: run go run ./specs/controldoc (or go generate ./specs)", page)
	}
}

// The page names every operation and every shape, each under a heading its links reach.
func TestPageCoversDocument(t *testing.T) {
	raw, _ := specs.Raw(specs.Control)
	md, err := render(raw)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := specs.Load(specs.Control)
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	for _, p := range doc.Paths.Keys() {
		for m, op := range doc.Paths.Value(p).Operations() {
			h := "### `" + m + " " + p + "`"
			if !strings.Contains(text, "\n"+h+"\n") || !strings.Contains(text, "(#"+anchor(h[4:])+")") {
				t.Errorf("%s (%s): no heading %q linked from the endpoints table", op.OperationID, m, h)
			}
		}
	}
	for name := range doc.Components.Schemas {
		if !strings.Contains(text, "\n### "+name+"\n") {
			t.Errorf("shape %s has no heading", name)
		}
	}
	// Every link within the page reaches a heading.
	anchors := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if h, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok && strings.HasPrefix(line, "#") {
			anchors[anchor(h)] = true
		}
	}
	for _, part := range strings.Split(text, "](#")[1:] {
		a, _, _ := strings.Cut(part, ")")
		if !anchors[a] {
			t.Errorf("link to #%s reaches no heading", a)
		}
	}
}

// A document whose headings would share an anchor is refused rather than written with
// links that reach the wrong section.
func TestRenderRefusesAnchorClash(t *testing.T) {
	const doc = `
openapi: 3.0.3
info: {title: t, version: "1"}
tags: [{name: Thing}]
paths:
  /x:
    get:
      operationId: x
      tags: [Thing]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing: {type: object, properties: {a: {type: string}}}
`
	if _, err := render([]byte(doc)); err == nil || !strings.Contains(err.Error(), "#thing") {
		t.Fatalf("render: %v, want the clash of #thing", err)
	}
}
