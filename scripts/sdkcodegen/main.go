// Command sdkcodegen binds a Pulumi package schema (read from stdin) with the metaschema validation
// `pulumi package gen-sdk` runs, then generates the Node.js, Go and Python SDKs with the engine's own
// generators (pkg/v3/codegen), into the directory given as its only argument. It exists because the
// Go module proxy does not serve the Node.js and Go language hosts that gen-sdk would call.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/blang/semver"
)

// noPackages is the loader of a schema that references no other package: every lookup fails.
type noPackages struct{}

func (noPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; it should reference none", name)
}

func (noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return noPackages{}.LoadPackage(d.Name, nil)
}

func (noPackages) LoadPackageReference(name string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, fmt.Errorf("the schema references package %q; it should reference none", name)
}

func (noPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return noPackages{}.LoadPackageReference(d.Name, nil)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sdkcodegen: "+format+"\n", args...)
	os.Exit(1)
}

func bind(text []byte) *schema.Package {
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		fail("the schema is not JSON: %v", err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		fail("binding failed: %v", err)
	}
	if diags.HasErrors() {
		fail("the schema does not validate: %v", diags)
	}
	return pkg
}

func write(dir string, files map[string][]byte) int {
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail("%v", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			fail("%v", err)
		}
	}
	return len(files)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: sdkcodegen OUT_DIR < schema.json")
	}
	text, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("%v", err)
	}
	out := os.Args[1]
	generators := []struct {
		name string
		gen  func(*schema.Package) (map[string][]byte, error)
	}{
		{"nodejs", func(p *schema.Package) (map[string][]byte, error) {
			return nodejs.GeneratePackage("sdkcodegen", p, nil, nil, false, noPackages{})
		}},
		{"go", func(p *schema.Package) (map[string][]byte, error) { return gogen.GeneratePackage("sdkcodegen", p, nil) }},
		{"python", func(p *schema.Package) (map[string][]byte, error) {
			return python.GeneratePackage("sdkcodegen", p, nil, noPackages{})
		}},
	}
	for _, g := range generators {
		files, err := g.gen(bind(text))
		if err != nil {
			fail("%s: %v", g.name, err)
		}
		fmt.Printf("%s: %d files\n", g.name, write(filepath.Join(out, g.name), files))
	}
}
