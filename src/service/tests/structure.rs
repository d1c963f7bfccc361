//! The structure report reads the members of every
//! branch in one store call, not one query per branch.

use super::*;

#[tokio::test]
async fn structure_report_reads_every_branch_in_one_call() {
    let mut db = db();
    db.expect_members_by_home().never();
    db.expect_members_by_online().never();
    db.expect_members_of_branches()
        .withf(|b| b.len() == 2 && b.contains(&BRANCH_A) && b.contains(&BRANCH_B))
        .times(1)
        .returning(|_| Ok(vec![]));
    let admin = session(db, &Actor::platform_admin());
    let findings = admin.orgs().structure_report(COMMITTEE).await;
    assert!(findings.is_ok_and(|f| !f.is_empty()));
}
