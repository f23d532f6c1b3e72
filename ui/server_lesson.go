package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/plain"
)

// howMutualTLSWorks is the short lesson beside the try-it buttons: one
// paragraph, and the four steps a click away.
func howMutualTLSWorks() fyne.CanvasObject {
	var steps []fyne.CanvasObject
	for _, s := range plain.HowMutualTLSWorksLong {
		steps = append(steps, wrapped(s))
	}
	more := widget.NewAccordion(widget.NewAccordionItem("How mutual TLS works, step by step", container.NewVBox(steps...)))
	return container.NewVBox(wrapped(plain.HowMutualTLSWorks+" Connect below and watch each step on the right."), more)
}
