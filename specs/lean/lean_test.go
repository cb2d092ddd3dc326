package lean

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const doc = `
openapi: 3.0.3
info: {title: T, version: "1", description: drop me}
paths:
  /things:
    post:
      operationId: createThing
      summary: drop me
      x-panelsim-note: {description: kept, example: kept}
      parameters:
        - {name: q, in: query, description: drop me, example: 1, schema: {type: integer, example: 3}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Input'}
            example: {description: drop me}
      responses:
        "200":
          description: the thing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        "422": {$ref: '#/components/responses/Invalid'}
components:
  schemas:
    Input:
      type: object
      description: drop me
      required: [description]
      properties:
        description: {type: string, description: drop me, default: {description: kept}}
        example: {type: string, enum: [a, b]}
        part: {$ref: '#/components/schemas/Part'}
        again: &anchored {type: string, example: x}
        same: *anchored
    Part: {type: integer, examples: [1]}
    Thing: {type: object, properties: {id: {type: integer}}}
  responses:
    Invalid: {description: invalid}
`

func TestStrip(t *testing.T) {
	out, err := Strip([]byte(doc), "# header\n")
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if !strings.HasPrefix(text, "# header\n") {
		t.Errorf("no header:\n%s", text)
	}
	if strings.Contains(text, "drop me") || strings.Contains(text, "the thing") || strings.Contains(text, "example: x") {
		t.Errorf("descriptions or examples left:\n%s", text)
	}
	var got map[string]any
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	comps := got["components"].(map[string]any)
	schemas := comps["schemas"].(map[string]any)
	if _, ok := schemas["Thing"]; ok {
		t.Error("a schema only answers reach was kept")
	}
	if _, ok := schemas["Part"]; !ok {
		t.Error("a schema the request body reaches through another was dropped")
	}
	if _, ok := comps["responses"]; ok {
		t.Error("component responses kept")
	}
	props := schemas["Input"].(map[string]any)["properties"].(map[string]any)
	for _, name := range []string{"description", "example", "part", "again", "same"} {
		if _, ok := props[name]; !ok {
			t.Errorf("property %q dropped", name)
		}
	}
	if d := props["description"].(map[string]any)["default"]; d.(map[string]any)["description"] != "kept" {
		t.Errorf("default value changed: %v", d)
	}
	if props["same"].(map[string]any)["type"] != "string" {
		t.Errorf("alias not resolved: %v", props["same"])
	}
	op := got["paths"].(map[string]any)["/things"].(map[string]any)["post"].(map[string]any)
	if ext := op["x-panelsim-note"].(map[string]any); ext["description"] != "kept" || ext["example"] != "kept" {
		t.Errorf("extension changed: %v", ext)
	}
	responses := op["responses"].(map[string]any)
	if len(responses) != 2 || responses["200"].(map[string]any)["description"] != "" || len(responses["422"].(map[string]any)) != 1 {
		t.Errorf("responses: %v", responses)
	}
	if r := schemas["Input"].(map[string]any)["required"].([]any); len(r) != 1 || r[0] != "description" {
		t.Errorf("required: %v", r)
	}
}
