package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// anyChoice is the choice of a profile field left to the dialog.
const anyChoice = "(as the dialog says)"

// profilesView is the dialog that lists the issuance profiles.
type profilesView struct {
	m    *mainView
	d    dialog.Dialog
	list *fyne.Container
}

// showProfiles opens the list of issuance profiles: add, remove, and make
// one the selected CA's default.
func (m *mainView) showProfiles() {
	v := &profilesView{m: m, list: container.NewVBox()}
	v.d = m.showList("Issuance profiles", "A profile is a saved set of issuance defaults: key, days, subject fields, the kinds of names allowed and the usage. "+
		"The issue dialogs fill themselves from the CA's default profile.", v.list, "Add a profile…", engine.ActEditProfiles, v.add)
	v.reload()
}

// showList shows a dialog of rows (list) under an intro, with a button
// that adds one at its foot; the button is hidden, and the foot says
// why, when the admin's role may not do right.
func (m *mainView) showList(title, intro string, list *fyne.Container, addLabel string, right engine.Action, add func()) dialog.Dialog {
	button := widget.NewButtonWithIcon(addLabel, theme.ContentAddIcon(), add)
	g := m.gates()
	g.need(right, button)
	d := dialog.NewCustom(title, "Close", container.NewBorder(wrapped(intro), container.NewVBox(button, g.note), nil, nil, container.NewVScroll(list)), m.app.win)
	d.Resize(fyne.NewSize(640, 460))
	d.Show()
	return d
}

// reload reads the profiles again and shows them.
func (v *profilesView) reload() {
	j, cas := v.m.app.jobs(), v.m.cas
	background(v.m.app, "Reading the issuance profiles", func() ([]profileRow, error) { return j.profileRows(cas) }, v.show)
}

func (v *profilesView) show(rows []profileRow) {
	v.list.RemoveAll()
	if len(rows) == 0 {
		empty := "No profile yet. Add one, then make it a CA's default."
		if !v.m.may(engine.ActEditProfiles) {
			empty = "No profile yet." // the foot says who may add one
		}
		v.list.Add(faint(empty))
	}
	ca, haveCA := v.m.currentCA()
	for _, r := range rows {
		name := r.profile.Name
		text := fmt.Sprintf("%s — %s", name, profileSummary(r.profile))
		if len(r.caNames) > 0 {
			text += "\nDefault of " + strings.Join(r.caNames, ", ")
		}
		remove := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { v.remove(r) })
		buttons := container.NewHBox(remove)
		if haveCA && !ca.TrustOnly() {
			if slices.Contains(r.caNames, ca.Name) {
				buttons.Add(widget.NewButton("No default for "+ca.Name, func() { v.setDefault(ca, "") }))
			} else {
				buttons.Add(widget.NewButton("Default for "+ca.Name, func() { v.setDefault(ca, name) }))
			}
		}
		v.m.gates().need(engine.ActEditProfiles, buttons) // the dialog's foot says why
		v.list.Add(container.NewBorder(nil, nil, nil, buttons, wrapped(text)))
	}
	v.list.Refresh()
}

// profileSummary says in a line what a profile sets.
func profileSummary(p engine.Profile) string {
	var parts []string
	if p.KeyType != "" {
		parts = append(parts, string(p.KeyType))
	}
	if p.Days > 0 {
		parts = append(parts, plural(p.Days, "day"))
	}
	for _, s := range []string{p.Org, p.OrgUnit, p.Subject.Country, p.Subject.State, p.Subject.Locality} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(p.SANKinds) > 0 {
		parts = append(parts, "names: "+strings.Join(p.SANKinds, ", "))
	}
	if p.Usage != "" {
		parts = append(parts, "usage: "+string(p.Usage))
	}
	if len(parts) == 0 {
		return "sets nothing"
	}
	return strings.Join(parts, ", ")
}

func (v *profilesView) remove(shown profileRow) {
	j := v.m.app.jobs()
	v.m.app.run.Run(func() func() {
		err := j.removeProfile(shown)
		return func() {
			if err != nil {
				v.m.app.showError("The profile was not removed", err)
			}
			v.reload()
		}
	})
}

func (v *profilesView) setDefault(ca engine.CA, name string) {
	j := v.m.app.jobs()
	v.m.app.run.Run(func() func() {
		err := j.setDefaultProfile(ca, name)
		return func() {
			if err != nil {
				v.m.app.showError("The default profile was not set", err)
			}
			v.reload()
		}
	})
}

// add asks for a new profile; the form keeps what was typed on errors.
func (v *profilesView) add() {
	name, days, org, ou := hinted("e.g. devices"), hinted("optional, e.g. 90"), hinted("optional, e.g. Acme Devices"), hinted("optional, e.g. Sensors")
	country, state, locality := hinted("C, e.g. DE"), hinted("ST"), hinted("L")
	keys := []string{anyChoice}
	for _, kt := range pki.KeyTypes {
		keys = append(keys, string(kt))
	}
	key := widget.NewSelect(keys, nil)
	key.SetSelected(anyChoice)
	usages := []string{anyChoice}
	for _, u := range pki.Usages {
		usages = append(usages, string(u))
	}
	usage := widget.NewSelect(usages, nil)
	usage.SetSelected(anyChoice)
	sans := widget.NewCheckGroup(pki.SANKinds, nil)
	sans.Horizontal = true
	profile := func() engine.Profile {
		p := engine.Profile{Name: strings.TrimSpace(name.Text), Days: atoi(days.Text), Org: strings.TrimSpace(org.Text), OrgUnit: strings.TrimSpace(ou.Text),
			Subject:  pki.Subject{Country: strings.TrimSpace(country.Text), State: strings.TrimSpace(state.Text), Locality: strings.TrimSpace(locality.Text)},
			SANKinds: sans.Selected}
		if key.Selected != anyChoice {
			p.KeyType = pki.KeyType(key.Selected)
		}
		if usage.Selected != anyChoice {
			p.Usage = pki.Usage(usage.Selected)
		}
		return p
	}
	var nameField *formField
	f := newFieldForm("Add an issuance profile", "Add", func(f *fieldForm) {
		p := profile()
		if err := p.Validate(); err != nil {
			f.fail(nil, err)
			return
		}
		j := v.m.app.jobs()
		v.m.app.run.Run(func() func() {
			err := j.saveProfile(p)
			return func() {
				if err != nil {
					f.fail(nameField, err)
					return
				}
				f.close()
				v.reload()
				v.m.app.toast(fmt.Sprintf("Added the profile %q.", p.Name))
			}
		})
	}, v.m.app.win)
	nameField = f.add("Name", name, name, required("a profile needs a name"))
	f.add("Key", key, nil, nil)
	f.add("Days", days, days, func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		return daysEntry(0).Validator(s)
	})
	f.add("Organization", org, org, nil)
	f.add("Unit", ou, ou, nil)
	f.add("Country, state, city", container.NewGridWithColumns(3, country, state, locality), country, func(s string) error {
		return checkSubject(pki.Subject{Country: strings.TrimSpace(s)})
	})
	f.add("Names allowed", container.NewVBox(sans, faint("none ticked: any kind")), nil, nil)
	f.add("Usage", usage, nil, nil)
	f.show(560)
	v.m.app.win.Canvas().Focus(name)
}
