package ui

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/plain"
)

// adminsView is the list of a team vault's admins: an owner adds and
// removes them; the others see it, and why they cannot.
type adminsView struct {
	m    *mainView
	list *fyne.Container
}

// showAdmins opens the team vault's admins.
func (m *mainView) showAdmins() {
	v := &adminsView{m: m, list: container.NewVBox()}
	m.showList("Admins", "Each admin connects as their own database role and unlocks with their own passphrase. "+
		"Removing an admin rotates the vault key and re-seals every private key, so their passphrase opens nothing.", v.list, "Add an admin…", engine.ActManageAdmins, v.add)
	v.reload()
}

func (v *adminsView) reload() {
	j := v.m.app.jobs()
	background(v.m.app, "Reading the admins", j.admins, v.show)
}

func (v *adminsView) show(admins []engine.Admin) {
	v.list.RemoveAll()
	for _, a := range admins {
		text := fmt.Sprintf("%s — %s, since %s", a.Name, a.Role, plain.Date(a.Added))
		if a.Name == v.m.app.me.name {
			v.list.Add(wrapped(text + " (you)"))
			continue
		}
		name := a.Name
		remove := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { v.confirmRemove(name) })
		v.m.gates().need(engine.ActManageAdmins, remove) // the dialog's foot says why
		v.list.Add(container.NewBorder(nil, nil, nil, remove, wrapped(text)))
	}
	v.list.Refresh()
}

// add asks for the new admin's name (their database role), role and
// passphrase, which they will unlock with.
func (v *adminsView) add() {
	name, pass, again := hinted("their database role, e.g. bob"), hintedSecret("their passphrase"), hintedSecret("the passphrase again")
	role := widget.NewRadioGroup([]string{engine.RoleIssuer, engine.RoleAuditor, engine.RoleOwner}, nil)
	role.SetSelected(engine.RoleIssuer)
	roleHelp := faint("")
	role.OnChanged = func(r string) { roleHelp.SetText(engine.RoleSummary(name.Text, r)) }
	role.OnChanged(role.Selected)
	f := newFieldForm("Add an admin", "Add", nil, v.m.app.win)
	nameField := f.add("Name", name, name, required("an admin needs a name: their database role"))
	f.add("Role", container.NewVBox(role, roleHelp), nil, nil)
	passField := f.add("Passphrase", pass, pass, func(s string) error { return engine.CheckPassphrase([]byte(s)) })
	f.add("Again", again, again, func(s string) error {
		if s != pass.Text {
			return errors.New("the two passphrases differ")
		}
		return nil
	})
	name.OnChanged = func(string) { nameField.err.Hide(); role.OnChanged(role.Selected) }
	f.submit = func(f *fieldForm) {
		who, r, secret := strings.TrimSpace(name.Text), role.Selected, []byte(pass.Text)
		j := v.m.app.jobs()
		v.m.app.run.Run(func() func() {
			err := j.addAdmin(who, r, secret)
			return func() {
				switch {
				case errors.Is(err, engine.ErrWeakPassphrase):
					f.fail(passField, err)
					return
				case err != nil:
					f.fail(nil, err)
					return
				}
				f.close()
				v.m.app.toast(fmt.Sprintf("%s is added as %s; they unlock with the passphrase you set.", who, r))
				v.reload()
			}
		})
	}
	f.show(520)
}

// confirmRemove removes an admin after saying what it does.
func (v *adminsView) confirmRemove(name string) {
	msg := fmt.Sprintf("Remove %s?\n\nThe vault key is rotated and every private key re-sealed in one transaction: %s's passphrase will open nothing.", name, name)
	dialog.ShowConfirm("Remove "+name, msg, func(ok bool) {
		if !ok {
			return
		}
		j := v.m.app.jobs()
		background(v.m.app, name+" was not removed", func() (int, error) { return j.removeAdmin(name) }, func(n int) {
			v.m.app.toast(fmt.Sprintf("%s is removed; the vault key is rotated and %s re-sealed.", name, plural(n, "private key")))
			v.reload()
		})
	}, v.m.app.win)
}
