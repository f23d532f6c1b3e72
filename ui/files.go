package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"certdesk/core/pki"
)

// readFile reads a file the user chose, refusing folders and huge files.
func readFile(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder", path)
	}
	if st.Size() > pki.MaxInputSize {
		return nil, fmt.Errorf("%s is %d bytes; certificate files are far smaller", path, st.Size())
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return os.ReadFile(path)
}

func container2(objects ...fyne.CanvasObject) fyne.CanvasObject { return container.NewVBox(objects...) }
