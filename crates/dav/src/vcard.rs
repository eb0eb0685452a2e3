//! vCards (2.1, 3.0 and 4.0) as contacts, read with calcard.

use calcard::vcard::{VCard, VCardProperty, VCardValue};
use sparks_api::pim::Contact;

/// The contact a vCard describes; `None` when it is not a vCard.
pub fn contact(source: &str, id: &str, text: &str) -> Option<Contact> {
    let card = VCard::parse(text).ok()?;
    let texts = |property: VCardProperty| -> Vec<String> {
        card.properties(&property)
            .filter_map(|e| value_text(&e.values))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let name = texts(VCardProperty::Fn).into_iter().next().or_else(|| {
        // No FN (vCard 2.1 allows it): "Given Family" from N.
        card.property(&VCardProperty::N).map(|n| {
            let parts: Vec<&str> = n.values.iter().filter_map(|v| v.as_text()).collect();
            [parts.get(1), parts.first()]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        })
    })?;
    let emails = texts(VCardProperty::Email)
        .into_iter()
        .map(|e| e.trim_start_matches("mailto:").to_owned())
        .collect();
    let matrix = texts(VCardProperty::Impp)
        .into_iter()
        .chain(texts(VCardProperty::Other("X-MATRIX".into())))
        .find_map(|address| matrix_id(&address));
    Some(Contact {
        source: source.to_owned(),
        id: id.to_owned(),
        name,
        emails,
        phones: texts(VCardProperty::Tel)
            .into_iter()
            .map(|t| t.trim_start_matches("tel:").to_owned())
            .collect(),
        organization: texts(VCardProperty::Org).into_iter().next(),
        title: texts(VCardProperty::Title).into_iter().next(),
        matrix,
    })
}

fn value_text(values: &[VCardValue]) -> Option<String> {
    let parts: Vec<&str> = values
        .iter()
        .flat_map(|value| match value {
            VCardValue::Component(parts) => parts.iter().map(String::as_str).collect(),
            value => value.as_text().into_iter().collect::<Vec<_>>(),
        })
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `@user:server` from `matrix:u/user:server`, `matrix:@user:server` or `@user:server`.
pub fn matrix_id(address: &str) -> Option<String> {
    let rest = address.trim();
    let rest = rest
        .strip_prefix("matrix:u/")
        .map(|r| format!("@{}", r.split(['?', '#']).next().unwrap_or_default()))
        .or_else(|| rest.strip_prefix("matrix:").map(str::to_owned))
        .unwrap_or_else(|| rest.to_owned());
    let (user, server) = rest.strip_prefix('@')?.split_once(':')?;
    (!user.is_empty() && !server.is_empty() && !rest.contains(char::is_whitespace))
        .then(|| format!("@{user}:{server}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_of_every_version_become_contacts() {
        let v4 = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:1\r\nFN:Bob Example\r\n\
                  N:Example;Bob;;;\r\nEMAIL;TYPE=work:bob@example.org\r\nTEL;VALUE=uri:tel:+49-30-1234\r\n\
                  ORG:Example GmbH;Sales\r\nTITLE:Seller\r\nIMPP:matrix:u/bob:example.org\r\nEND:VCARD\r\n";
        let bob = contact("dav", "/bob.vcf", v4).expect("a contact");
        assert_eq!(bob.name, "Bob Example");
        assert_eq!(bob.emails, ["bob@example.org"]);
        assert_eq!(bob.phones, ["+49-30-1234"]);
        assert_eq!(bob.organization.as_deref(), Some("Example GmbH, Sales"));
        assert_eq!(bob.title.as_deref(), Some("Seller"));
        assert_eq!(bob.matrix.as_deref(), Some("@bob:example.org"));

        let v21 = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Muster;Erika\r\nEMAIL;INTERNET:erika@example.de\r\nEND:VCARD\r\n";
        let erika = contact("dav", "/e.vcf", v21).expect("a contact");
        assert_eq!(erika.name, "Erika Muster");
        assert_eq!(erika.emails, ["erika@example.de"]);
        assert!(contact("dav", "/x", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").is_none());
    }

    #[test]
    fn matrix_ids_come_in_several_spellings() {
        assert_eq!(
            matrix_id("matrix:u/a:b.org?action=chat").as_deref(),
            Some("@a:b.org")
        );
        assert_eq!(matrix_id("@a:b.org").as_deref(), Some("@a:b.org"));
        assert_eq!(matrix_id("xmpp:a@b.org"), None);
        assert_eq!(matrix_id("@:b.org"), None);
    }
}
