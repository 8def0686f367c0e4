package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestServe_UnwritableDatabase checks that serve refuses to start on a database it cannot write, with an
// error that names the path and the cause, instead of SQLite's "unable to open database file (14)" or
// "out of memory", or starting and then failing every write.
func TestServe_UnwritableDatabase(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(notDB, []byte("these are not the pages of an SQLite database, but they are long enough to be read as a header; "+strings.Repeat("x", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	aFile := filepath.Join(dir, "file")
	if err := os.WriteFile(aFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	type unwritable struct {
		name, db string
		want     []string // what the error must say
	}
	cases := []unwritable{
		{"missing directory", filepath.Join(dir, "no", "such", "x.db"), []string{"directory " + filepath.Join(dir, "no", "such") + " does not exist"}},
		{"a directory", dir, []string{"database " + dir + ": is a directory"}},
		{"parent is a file", filepath.Join(aFile, "x.db"), []string{aFile + " is not a directory"}},
		{"not a database", notDB, []string{notDB, "not a database"}},
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro.db")
		if err := os.WriteFile(ro, nil, 0o444); err != nil {
			t.Fatal(err)
		}
		roDir := filepath.Join(dir, "ro")
		if err := os.Mkdir(roDir, 0o555); err != nil {
			t.Fatal(err)
		}
		cases = append(cases,
			unwritable{"read-only file", ro, []string{"database " + ro + ": cannot be written: permission denied"}},
			unwritable{"read-only directory", filepath.Join(roDir, "x.db"), []string{"cannot create files in " + roDir, "permission denied"}},
		)
	} else {
		t.Log("running as root, which writes read-only files: the read-only file and directory cases are left to the read-only mount")
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", tt.db}, io.Discard)
			if err == nil {
				t.Fatalf("serve --db %s: started, want an error", tt.db)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("serve --db %s: got %q, want it to say %q", tt.db, err, w)
				}
			}
			if strings.Count(err.Error(), tt.db) > 1 {
				t.Errorf("serve --db %s: got %q, which names the path more than once", tt.db, err)
			}
		})
	}
	t.Run("read-only mount", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("bind-mounting a directory read-only needs root")
		}
		ro := t.TempDir()
		db := filepath.Join(ro, "x.db")
		if err := os.WriteFile(db, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("mount", "--bind", ro, ro).CombinedOutput(); err != nil {
			t.Skipf("cannot bind-mount %s: %v %s", ro, err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("umount", ro).CombinedOutput(); err != nil {
				t.Errorf("umount %s: %v %s", ro, err, out)
			}
		})
		if out, err := exec.Command("mount", "-o", "remount,bind,ro", ro).CombinedOutput(); err != nil {
			t.Skipf("cannot make the bind mount of %s read-only: %v %s", ro, err, out)
		}
		for _, path := range []string{db, filepath.Join(ro, "new.db")} {
			err := Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--db", path}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only file system") {
				t.Errorf("serve --db %s on a read-only mount: got %v, want an error naming the path and the read-only file system", path, err)
			}
		}
	})
}
