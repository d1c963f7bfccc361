//! The steps a publicity notice holds up: the admission vote and the
//! admission, the appointment (`docs/RULES.md` DISC-10 … DISC-13).

use super::DisclosureHandle;
use crate::access;
use crate::disclosure::{DisclosureError, Purpose};
use crate::org::OrgTree;
use crate::service::Session;
use crate::service::authorize::Target;
use crate::{Error, MemberId, OrgId};
use chrono::NaiveDate;

/// Whether a missing notice refuses the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IfNone {
    /// No published notice: refused (the admission vote).
    Refuse,
    /// No notice stored at all: allowed (a step the library cannot know
    /// was noticed elsewhere, such as a back-dated admission or an
    /// appointment that needs no cadre notice); one stored but not up
    /// still refuses.
    Allow,
}

impl Session {
    /// Whether the step that a notice of `purpose` about `subject` holds
    /// up may be taken on `on`: a published notice of the subject's home
    /// line (`home` or above) whose period has ended, with no objection
    /// open or upheld.
    pub(crate) async fn notice_allows(
        &self,
        subject: MemberId,
        home: OrgId,
        purpose: Purpose,
        on: NaiveDate,
        tree: &OrgTree,
        if_none: IfNone,
    ) -> Result<(), Error> {
        let notices: Vec<_> = self
            .store()
            .notices_about(subject)
            .await?
            .into_iter()
            .filter(|i| {
                tree.is_within(home, i.org())
                    && i.disclosable()
                        .and_then(|d| d.publicity())
                        .is_some_and(|p| p.purpose() == purpose)
            })
            .collect();
        if notices.is_empty() && if_none == IfNone::Allow {
            return Ok(());
        }
        // The newest notice that allows the step wins; otherwise the
        // answer is the newest published notice's reason, or none at all.
        let mut newest = None;
        for n in notices.iter().rev() {
            match n.check_next_step(on) {
                Ok(()) => return Ok(()),
                Err(e) if newest.is_none() && n.publication().is_some() => newest = Some(e),
                Err(_) => {}
            }
        }
        Err(newest
            .unwrap_or(DisclosureError::NoNotice { subject, purpose })
            .into())
    }
}

impl DisclosureHandle<'_> {
    /// 公示是否期满: whether the step a notice of `purpose` about `subject`
    /// holds up may be taken today (for an appointment or a commendation
    /// made outside the library, e.g. in an HR system). The admission vote
    /// and the admission check this themselves.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::Purpose;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().may_proceed(MemberId::new(9), Purpose::PreAdmission).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a subject outside the scope; `PermissionDenied` for
    /// an actor who is not an officer; `Disclosure` saying why not
    /// (`NoNotice`, `PeriodRunning` with the first day the step may come,
    /// `ObjectionsOpen`, `ObjectionUpheld`).
    pub async fn may_proceed(&self, subject: MemberId, purpose: Purpose) -> Result<(), Error> {
        let l = self
            .s
            .authorize(Target::Member(subject), |l| {
                access::check_disclose(&self.s.actor, l.org, &l.tree)
            })
            .await?;
        let home = l.placement()?.home;
        let today = self.s.clock().today();
        self.s
            .notice_allows(subject, home, purpose, today, &l.tree, IfNone::Refuse)
            .await
    }
}
