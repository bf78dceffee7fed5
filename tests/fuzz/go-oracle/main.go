// SPDX-License-Identifier: Apache-2.0

// go-oracle reads documents the way runc 1.1 does and says what it read, for the differential
// test of runwarden's spec gate (tests/fuzz/differential.py).
//
// It is built at test time against Debian's golang-github-opencontainers-specs-dev, the
// runtime-spec package Debian's runc is built against, with the Go that builds runc (1.19).
//
// Standard input: one document per line, "KIND PATH" with KIND config, process or resources.
// Standard output: one JSON object per document, in the same order:
//
//	error       what json.NewDecoder(f).Decode(&v) returned, as runc calls it; "" when nil
//	out         json.Marshal of the decoded value (when error is "")
//	linux_error for config: the same decode with the solaris, windows, vm and zos members read
//	            as raw JSON, so that an error in a section for another platform is told apart
//	linux_out   json.Marshal of that decode with those four sections left out
//	not_object  the document's first value is not a JSON object
//	nonexact    JSON pointers of object keys that the decoder assigns to a struct field whose
//	            name is spelled otherwise (case, U+017F, U+212A)
//	fields_twice pointers of keys that the decoder assigns to a field an earlier key of the same
//	            object was assigned to (Go keeps the later value, merging objects)
//	keys_twice  pointers of keys that occur twice in one object, compared byte for byte
//
// The walk that finds these asks encoding/json itself which field a key goes to (a probe struct
// with the same field names, in the same order), so the matching is Go's, not a copy of it.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

type result struct {
	Error       string   `json:"error"`
	Out         string   `json:"out,omitempty"`
	LinuxError  string   `json:"linux_error"`
	LinuxOut    string   `json:"linux_out,omitempty"`
	NotObject   bool     `json:"not_object"`
	Nonexact    []string `json:"nonexact"`
	FieldsTwice []string `json:"fields_twice"`
	KeysTwice   []string `json:"keys_twice"`
	WalkError   string   `json:"walk_error,omitempty"`
}

// linuxSpec is specs.Spec with the sections for other platforms as raw JSON: any value decodes.
type linuxSpec struct {
	Version     string            `json:"ociVersion"`
	Process     *specs.Process    `json:"process,omitempty"`
	Root        *specs.Root       `json:"root,omitempty"`
	Hostname    string            `json:"hostname,omitempty"`
	Domainname  string            `json:"domainname,omitempty"`
	Mounts      []specs.Mount     `json:"mounts,omitempty"`
	Hooks       *specs.Hooks      `json:"hooks,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Linux       *specs.Linux      `json:"linux,omitempty"`
	Solaris     json.RawMessage   `json:"solaris,omitempty"`
	Windows     json.RawMessage   `json:"windows,omitempty"`
	VM          json.RawMessage   `json:"vm,omitempty"`
	ZOS         json.RawMessage   `json:"zos,omitempty"`
}

func decode(data []byte, v interface{}) (string, string) {
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(v); err != nil {
		return "error: " + err.Error(), ""
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "marshal: " + err.Error(), ""
	}
	return "", string(out)
}

func examine(kind string, data []byte) (result, error) {
	var r result
	var root reflect.Type

	switch kind {
	case "config":
		var s specs.Spec
		r.Error, r.Out = decode(data, &s)
		var l linuxSpec
		r.LinuxError, _ = decode(data, &l)
		if r.LinuxError == "" {
			s := specs.Spec{Version: l.Version, Process: l.Process, Root: l.Root,
				Hostname: l.Hostname, Domainname: l.Domainname, Mounts: l.Mounts,
				Hooks: l.Hooks, Annotations: l.Annotations, Linux: l.Linux}
			out, err := json.Marshal(&s)
			if err != nil {
				r.LinuxError = "marshal: " + err.Error()
			} else {
				r.LinuxOut = string(out)
			}
		}
		root = reflect.TypeOf(specs.Spec{})
	case "process":
		var p specs.Process
		r.Error, r.Out = decode(data, &p)
		r.LinuxError, r.LinuxOut = r.Error, r.Out
		root = reflect.TypeOf(specs.Process{})
	case "resources":
		var l specs.LinuxResources
		r.Error, r.Out = decode(data, &l)
		r.LinuxError, r.LinuxOut = r.Error, r.Out
		root = reflect.TypeOf(specs.LinuxResources{})
	default:
		return r, fmt.Errorf("unknown kind %q", kind)
	}

	w := walker{dec: json.NewDecoder(bytes.NewReader(data)), r: &r}
	w.dec.UseNumber()
	if err := w.value(root, "", true); err != nil {
		// A syntax error: Decode above reports it too.
		r.WalkError = err.Error()
	}
	return r, nil
}

type walker struct {
	dec *json.Decoder
	r   *result
}

// field is one JSON field of a struct as encoding/json lists it: embedded structs flattened, in
// index order.
type field struct {
	name string
	typ  reflect.Type
}

var fieldCache = map[reflect.Type][]field{}

func jsonFields(t reflect.Type) []field {
	if f, ok := fieldCache[t]; ok {
		return f
	}
	var list []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name := strings.Split(tag, ",")[0]
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			list = append(list, jsonFields(sf.Type)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		list = append(list, field{name, sf.Type})
	}
	fieldCache[t] = list
	return list
}

type probeKey struct {
	t   reflect.Type
	key string
}

var probeTypes = map[reflect.Type]reflect.Type{}
var probeCache = map[probeKey]int{}

// match returns the index in jsonFields(t) of the field encoding/json assigns `key` to, or -1.
// It decodes {key: 0} into a struct of json.RawMessage fields with the same names in the same
// order and looks which one was set.
func match(t reflect.Type, key string) int {
	if i, ok := probeCache[probeKey{t, key}]; ok {
		return i
	}
	fields := jsonFields(t)
	pt, ok := probeTypes[t]
	if !ok {
		var sfs []reflect.StructField
		for i, f := range fields {
			sfs = append(sfs, reflect.StructField{
				Name: "F" + strconv.Itoa(i),
				Type: reflect.TypeOf(json.RawMessage{}),
				Tag:  reflect.StructTag(`json:"` + f.name + `"`),
			})
		}
		pt = reflect.StructOf(sfs)
		probeTypes[t] = pt
	}
	quoted, err := json.Marshal(key)
	if err != nil {
		panic(err)
	}
	probe := reflect.New(pt)
	if err := json.Unmarshal([]byte("{"+string(quoted)+":0}"), probe.Interface()); err != nil {
		panic(err)
	}
	found := -1
	for i := range fields {
		if probe.Elem().Field(i).Len() > 0 {
			found = i
			break
		}
	}
	probeCache[probeKey{t, key}] = found
	return found
}

func pointer(parent, key string) string {
	key = strings.ReplaceAll(key, "~", "~0")
	return parent + "/" + strings.ReplaceAll(key, "/", "~1")
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// value walks one JSON value whose Go type is t (nil: not decoded into anything typed).
func (w *walker) value(t reflect.Type, ptr string, top bool) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	t = deref(t)
	delim, isDelim := tok.(json.Delim)
	if top && (!isDelim || delim != '{') {
		w.r.NotObject = true
	}
	if !isDelim {
		return nil
	}
	switch delim {
	case '{':
		var fields []field
		isStruct := t != nil && t.Kind() == reflect.Struct
		isMap := t != nil && t.Kind() == reflect.Map
		if isStruct {
			fields = jsonFields(t)
		}
		seenField := map[int]bool{}
		seenKey := map[string]bool{}
		for w.dec.More() {
			kt, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, ok := kt.(string)
			if !ok {
				return errors.New("object key is not a string")
			}
			child := pointer(ptr, key)
			if seenKey[key] {
				w.r.KeysTwice = append(w.r.KeysTwice, child)
			}
			seenKey[key] = true
			var ct reflect.Type
			switch {
			case isStruct:
				if i := match(t, key); i >= 0 {
					if fields[i].name != key {
						w.r.Nonexact = append(w.r.Nonexact, child)
					}
					if seenField[i] {
						w.r.FieldsTwice = append(w.r.FieldsTwice, child)
					}
					seenField[i] = true
					ct = fields[i].typ
				}
			case isMap:
				ct = t.Elem()
			}
			if err := w.value(ct, child, false); err != nil {
				return err
			}
		}
		_, err = w.dec.Token()
		return err
	case '[':
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(et, ptr+"/"+strconv.Itoa(i), false); err != nil {
				return err
			}
		}
		_, err = w.dec.Token()
		return err
	}
	return nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		kind, path, ok := strings.Cut(in.Text(), " ")
		if !ok {
			fmt.Fprintf(os.Stderr, "go-oracle: bad input line %q\n", in.Text())
			os.Exit(2)
		}
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-oracle:", err)
			os.Exit(2)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-oracle:", err)
			os.Exit(2)
		}
		r, err := examine(kind, data)
		if err != nil {
			fmt.Fprintln(os.Stderr, "go-oracle:", err)
			os.Exit(2)
		}
		if err := enc.Encode(&r); err != nil {
			fmt.Fprintln(os.Stderr, "go-oracle:", err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "go-oracle:", err)
		os.Exit(2)
	}
}
