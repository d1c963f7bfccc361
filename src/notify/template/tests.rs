//! Tests of the module.
use super::*;
use crate::MemberId;
use crate::OrgId;
use crate::dues::Month;
use chrono::NaiveDate;

#[test]
fn every_default_loads_for_every_kind_and_channel() {
    let set = TemplateSet::defaults();
    for kind in EventKind::ALL {
        let (subject, body) = default_text(kind);
        Template::new(kind, Channel::Email, body)
            .and_then(|t| t.with_subject(subject))
            .unwrap();
        for channel in Channel::ALL {
            assert!(set.get(kind, channel).is_some(), "{kind} {channel}");
        }
    }
}

#[test]
fn bad_templates_are_refused_when_loaded() {
    let k = EventKind::VoteOpened;
    assert!(matches!(
        Template::new(k, Channel::Sms, "{{ vote "),
        Err(TemplateError::Syntax { .. })
    ));
    assert!(matches!(
        Template::new(k, Channel::Sms, "{{ owed }}"),
        Err(TemplateError::UnknownVariable { variable, .. }) if variable == "owed"
    ));
    assert!(matches!(
        Template::new(k, Channel::Sms, "{% if org %}{{ x.y }}{% endif %}"),
        Err(TemplateError::UnknownVariable { variable, .. }) if variable == "x"
    ));
    assert!(matches!(
        Template::new(k, Channel::Sms, "x")
            .unwrap()
            .with_subject("y"),
        Err(TemplateError::Subject { .. })
    ));
    let mut set = TemplateSet::defaults();
    assert!(matches!(
        set.replace(Template::new(k, Channel::Email, "x").unwrap()),
        Err(TemplateError::Subject { .. })
    ));
}

#[test]
fn a_replaced_template_renders_and_links_stay_out_of_sms() {
    let mut set = TemplateSet::defaults();
    let e = Event::StructureFinding {
        org: OrgId::new(4),
        finding: "详见 https://example.org/x".into(),
        month: Month::new(2024, 6).unwrap(),
    };
    assert!(matches!(
        set.render(&e, Channel::Sms, "李四"),
        Err(TemplateError::LinkInSms { variable }) if variable == "finding"
    ));
    assert!(set.render(&e, Channel::WeCom, "李四").is_ok());
    set.replace(
        Template::new(
            EventKind::StructureFinding,
            Channel::WeCom,
            "【提示】{{ finding }}",
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        set.render(&e, Channel::WeCom, "李四").unwrap().body,
        "【提示】详见 https://example.org/x"
    );
    let other = Event::DeadlineNear {
        member: MemberId::new(1),
        deadline: crate::notify::Deadline::Approval,
        due: NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
    };
    let t = set
        .get(EventKind::StructureFinding, Channel::WeCom)
        .unwrap();
    assert!(matches!(
        t.render(&other, "李四"),
        Err(TemplateError::Render { .. })
    ));
}
