package yaml

// yamlProgram is a program for a project StartProject copied from examples/yaml: the example's
// project name (the test's stack belongs to it) and its instanceIds config, then body (its
// resources and outputs).
func yamlProgram(body string) string {
	return `name: cloudassistant-example-yaml
runtime: yaml
config:
  instanceIds:
    type: array
    items:
      type: string
` + body
}
