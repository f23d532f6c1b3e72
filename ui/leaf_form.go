package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"certdesk/core/engine"
	"certdesk/core/pki"
)

// noProfile is the profile choice of a CA without a default profile.
const noProfile = "(no profile)"

// usageLabels name the usage sets a leaf can have, as the dialogs offer them.
var usageLabels = map[pki.Usage]string{
	pki.ClientUsage:       "client — a person or a device logging in",
	pki.ServerUsage:       "server — a TLS server",
	pki.ClientServerUsage: "client+server — a service talking to services",
}

// leafForm holds the rows the person and server dialogs share: the
// profile, the extra subject fields, the names, the usage, days and key.
type leafForm struct {
	profile                               *widget.Select
	profiles                              []engine.Profile
	org, country, state, locality, serial *widget.Entry
	uris, dns, ips                        *widget.Entry
	usage, key                            *widget.Select
	days                                  *widget.Entry
}

// newLeafForm makes the shared widgets; usages are the sets offered, the
// first one chosen.
func newLeafForm(choice profileChoice, usages []pki.Usage) *leafForm {
	l := &leafForm{org: hinted("optional, e.g. Acme Ltd"), country: hinted("C, e.g. DE"), state: hinted("ST, e.g. Berlin"),
		locality: hinted("L, e.g. Berlin"), serial: hinted("optional subject serialNumber, e.g. employee 4711"),
		uris: hinted("optional, e.g. spiffe://acme.example/sa/billing"), dns: widget.NewEntry(), ips: widget.NewEntry(),
		days: daysEntry(pki.DefaultLeafDays), key: keyTypeSelect(), profiles: choice.profiles}
	var labels []string
	for _, u := range usages {
		labels = append(labels, usageLabels[u])
	}
	l.usage = widget.NewSelect(labels, nil)
	l.usage.SetSelected(labels[0])
	names := []string{}
	if choice.defaultFor == "" {
		names = append(names, noProfile)
	}
	for _, p := range choice.profiles {
		names = append(names, p.Name)
	}
	l.profile = widget.NewSelect(names, l.applyProfile)
	if choice.defaultFor != "" {
		l.profile.SetSelected(choice.defaultFor)
	} else {
		l.profile.SetSelected(noProfile)
	}
	return l
}

// applyProfile fills the form from the profile chosen; what the person
// types afterwards wins.
func (l *leafForm) applyProfile(name string) {
	for _, p := range l.profiles {
		if p.Name != name {
			continue
		}
		if p.Days > 0 {
			l.days.SetText(strconv.Itoa(p.Days))
		}
		if p.KeyType != "" {
			l.key.SetSelected(string(p.KeyType))
		}
		setIfSet(l.org, p.Org)
		setIfSet(l.country, p.Subject.Country)
		setIfSet(l.state, p.Subject.State)
		setIfSet(l.locality, p.Subject.Locality)
		if label, ok := usageLabels[p.Usage]; ok && p.Usage != "" {
			l.usage.SetSelected(label)
		}
	}
}

func setIfSet(e *widget.Entry, v string) {
	if v != "" {
		e.SetText(v)
	}
}

// addSubject adds the subject rows (organisation, place, serialNumber).
func (l *leafForm) addSubject(f *fieldForm) {
	f.add("Organization", l.org, l.org, nil)
	place := container.NewGridWithColumns(3, l.country, l.state, l.locality)
	f.add("Country, state, city", place, l.country, func(s string) error {
		return checkSubject(pki.Subject{Country: strings.TrimSpace(s)})
	})
	f.add("Serial number", l.serial, l.serial, func(s string) error {
		return checkSubject(pki.Subject{SerialNumber: strings.TrimSpace(s)})
	})
}

// addURIs adds the URI SAN row.
func (l *leafForm) addURIs(f *fieldForm) {
	f.add("URIs", l.uris, l.uris, func(s string) error {
		_, err := pki.ParseURIs(splitList(s))
		return err
	})
}

// addDevice adds the DNS and IP rows, with placeholders of their own.
func (l *leafForm) addDevice(f *fieldForm, dnsHint, ipHint string) {
	l.dns.SetPlaceHolder(dnsHint)
	l.ips.SetPlaceHolder(ipHint)
	f.add("DNS names", l.dns, l.dns, nil)
	f.add("IP addresses", l.ips, l.ips, func(s string) error {
		_, err := pki.ParseIPs(splitList(s))
		return err
	})
}

// addRest adds the usage, days and key rows.
func (l *leafForm) addRest(f *fieldForm) {
	f.add("Usage", l.usage, nil, nil)
	f.add("Days", l.days, l.days, l.days.Validator)
	f.add("Key", l.key, nil, nil)
}

// checkSubject checks extra subject fields as the issuer will.
func checkSubject(s pki.Subject) error {
	return pki.Profile{Name: "check", Subject: s}.Validate()
}

// profileName is the profile chosen ("" for none).
func (l *leafForm) profileName() string {
	if l.profile.Selected == noProfile {
		return ""
	}
	return l.profile.Selected
}

// chosenUsage is the usage set chosen.
func (l *leafForm) chosenUsage() pki.Usage {
	for u, label := range usageLabels {
		if label == l.usage.Selected {
			return u
		}
	}
	return ""
}

// subject is the extra subject fields typed.
func (l *leafForm) subject() pki.Subject {
	return pki.Subject{Country: strings.TrimSpace(l.country.Text), State: strings.TrimSpace(l.state.Text),
		Locality: strings.TrimSpace(l.locality.Text), SerialNumber: strings.TrimSpace(l.serial.Text)}
}

// person is the person request the form describes (its checks passed).
func (l *leafForm) person(name, emails string) pki.PersonRequest {
	ips, _ := pki.ParseIPs(splitList(l.ips.Text))
	return pki.PersonRequest{Name: pki.Name{CommonName: strings.TrimSpace(name), Organization: strings.TrimSpace(l.org.Text)},
		Emails: splitEmails(emails), KeyType: pki.KeyType(l.key.Selected), Validity: pki.Validity{Days: atoi(l.days.Text)},
		Subject: l.subject(), URIs: splitList(l.uris.Text), DNSNames: splitList(l.dns.Text), IPAddresses: ips, Usage: l.chosenUsage()}
}

// server is the server request the form describes (its checks passed).
func (l *leafForm) server() pki.ServerRequest {
	ips, _ := pki.ParseIPs(splitList(l.ips.Text))
	return pki.ServerRequest{Organization: strings.TrimSpace(l.org.Text), DNSNames: splitList(l.dns.Text), IPAddresses: ips,
		KeyType: pki.KeyType(l.key.Selected), Validity: pki.Validity{Days: atoi(l.days.Text)},
		Subject: l.subject(), URIs: splitList(l.uris.Text), Usage: l.chosenUsage()}
}
