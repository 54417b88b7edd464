package fx

import (
	"os"
	"testing"
)

func TestA(t *testing.T) { t.Log("passing log") }

func TestB(t *testing.T) {
	t.Run("x", func(t *testing.T) { t.Error("TODO 1 (a.go): boom") })
	t.Run("y", func(t *testing.T) { t.Log("fine") })
}

func TestC(t *testing.T) { t.Error("TODO 2 (b.go): bad") }

func TestD(t *testing.T) { t.Skip("TODO 2 (b.go): no browser") }

func TestE(t *testing.T) {
	if os.Getenv("PANIC") != "" {
		var m map[string]int
		m["x"] = 1
	}
}
