package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The reference page's tables live between these markers and are rewritten from the schema,
// so the tables users read cannot disagree with what the provider accepts. The page's front
// matter and introduction, outside the markers, are written by hand.
const (
	referencePage  = "docs/reference.md"
	referenceStart = "<!-- generated:reference:start (make generate) -->"
	referenceEnd   = "<!-- generated:reference:end -->"
)

// updateReference rewrites the generated section of root/docs/reference.md, if the file has the
// markers.
func updateReference(root string, spec schema.PackageSpec) error {
	path := filepath.Join(root, filepath.FromSlash(referencePage))
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	updated, ok := replaceSection(string(data), referenceMarkdown(spec))
	if !ok || updated == string(data) {
		return nil
	}
	return os.WriteFile(path, []byte(updated), 0o644)
}

// replaceSection swaps the text between the markers; ok is false when they are missing.
func replaceSection(doc, section string) (string, bool) {
	start := strings.Index(doc, referenceStart)
	end := strings.Index(doc, referenceEnd)
	if start < 0 || end < start {
		return doc, false
	}
	return doc[:start+len(referenceStart)] + "\n" + section + doc[end:], true
}

// referenceMarkdown renders the provider configuration, resources, functions and types.
func referenceMarkdown(spec schema.PackageSpec) string {
	ty := typeNamer{enums: enumsOf(spec)}
	var b bytes.Buffer
	b.WriteString("\n### Provider configuration (`" + spec.Name + ":<key>`)\n\n")
	b.WriteString("| Key | Type | Description |\n| --- | --- | --- |\n")
	for _, name := range sortedKeys(spec.Config.Variables) {
		p := spec.Config.Variables[name]
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, ty.name(p.TypeSpec, p.Secret), cell(p.Description))
	}

	for _, token := range sortedKeys(spec.Resources) {
		r := spec.Resources[token]
		fmt.Fprintf(&b, "\n### %s (`%s`)\n\n%s\n\n", shortName(token), token, firstParagraph(r.Description))
		required := set(r.RequiredInputs)
		// What a change does is part of each input's description (describeChangeEffects).
		b.WriteString("| Input | Type | Required | Description |\n| --- | --- | --- | --- |\n")
		for _, name := range sortedKeys(r.InputProperties) {
			p := r.InputProperties[name]
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", name, ty.name(p.TypeSpec, p.Secret), yesNo(required[name]), cell(p.Description))
		}
		b.WriteString("\n| Output | Type | Description |\n| --- | --- | --- |\n")
		for _, name := range sortedKeys(r.Properties) {
			if _, isInput := r.InputProperties[name]; isInput {
				continue // inputs are echoed as outputs; list only what the provider adds
			}
			p := r.Properties[name]
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, ty.name(p.TypeSpec, p.Secret), cell(p.Description))
		}
	}

	for _, token := range sortedKeys(spec.Functions) {
		f := spec.Functions[token]
		fmt.Fprintf(&b, "\n### Function %s (`%s`)\n\n%s\n\n", shortName(token), token, firstParagraph(f.Description))
		if f.Inputs != nil {
			b.WriteString("| Argument | Type | Required | Description |\n| --- | --- | --- | --- |\n")
			required := set(f.Inputs.Required)
			for _, name := range sortedKeys(f.Inputs.Properties) {
				p := f.Inputs.Properties[name]
				fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", name, ty.name(p.TypeSpec, p.Secret), yesNo(required[name]), cell(p.Description))
			}
			b.WriteString("\n")
		}
		if f.Outputs != nil {
			b.WriteString("| Result | Type | Description |\n| --- | --- | --- |\n")
			for _, name := range sortedKeys(f.Outputs.Properties) {
				p := f.Outputs.Properties[name]
				fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, ty.name(p.TypeSpec, p.Secret), cell(p.Description))
			}
		}
	}

	for _, token := range sortedKeys(spec.Types) {
		t := spec.Types[token]
		if len(t.Enum) > 0 {
			continue // enums are spelled out where they are used
		}
		fmt.Fprintf(&b, "\n### Type %s\n\n%s\n\n", shortName(token), firstParagraph(t.Description))
		b.WriteString("| Field | Type | Description |\n| --- | --- | --- |\n")
		for _, name := range sortedKeys(t.Properties) {
			p := t.Properties[name]
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", name, ty.name(p.TypeSpec, p.Secret), cell(p.Description))
		}
	}
	b.WriteString("\n")
	return strings.ReplaceAll(b.String(), "\n\n\n", "\n\n")
}

// typeNamer writes a schema type the way a reader thinks of it: `string[]`, `map<string>`,
// an enum as its values.
type typeNamer struct{ enums map[string][]string }

func (ty typeNamer) name(t schema.TypeSpec, secret bool) string {
	var s string
	switch {
	case t.Ref != "":
		token := strings.TrimPrefix(t.Ref, "#/types/")
		if vals, ok := ty.enums[token]; ok {
			s = strings.Join(vals, " \\| ")
		} else if t.Ref == "pulumi.json#/Any" {
			s = "any"
		} else {
			s = shortName(token)
		}
	case t.Type == "array" && t.Items != nil:
		s = ty.name(*t.Items, false) + "[]"
	case t.Type == "object" && t.AdditionalProperties != nil:
		s = "map<" + ty.name(*t.AdditionalProperties, false) + ">"
	case t.Type == "object":
		s = "map<string>"
	default:
		s = t.Type
	}
	if secret {
		s += " (secret)"
	}
	return s
}

// enumsOf lists each enum type's values, in schema order.
func enumsOf(spec schema.PackageSpec) map[string][]string {
	enums := map[string][]string{}
	for token, t := range spec.Types {
		for _, e := range t.Enum {
			enums[token] = append(enums[token], fmt.Sprintf("`%v`", e.Value))
		}
	}
	return enums
}

func shortName(token string) string { return token[strings.LastIndex(token, ":")+1:] }

func firstParagraph(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}

// cell makes a description fit one table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", "\\|")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func set(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
