//! A policy at a glance: how many actions it grants, in which services and at which access
//! levels, and its escalation paths. The code lens shows [`Overview::headline`], its hover
//! [`Overview::markdown`], and `summary` prints [`Overview::rows`] as a table.

use crate::PolicyType;
use crate::access::{Access, Summary};
use crate::catalog::AccessLevel;

/// The summary and escalation paths of one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub policy_type: PolicyType,
    pub summary: Summary,
    /// The escalation methods the policy allows (see `PRIVILEGE_ESCALATION`), by name.
    pub escalations: Vec<&'static str>,
}

/// One service's row: actions per access level ([`AccessLevel::ALL`] order, then actions the
/// reference does not document), and how constrained they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub service: &'static str,
    pub levels: [usize; 6],
    pub actions: usize,
    pub by_resource: usize,
    pub by_condition: usize,
    pub unconstrained: usize,
}

/// Column titles of a row's levels.
pub const LEVEL_TITLES: [&str; 6] = [
    "List",
    "Read",
    "Write",
    "Permissions management",
    "Tagging",
    "Undocumented",
];

impl Overview {
    pub fn new(access: &Access) -> Overview {
        Overview {
            policy_type: access.policy_type,
            summary: access.summary(),
            escalations: super::escalations(access)
                .iter()
                .filter_map(|r| r.method.map(|m| m.name))
                .collect(),
        }
    }

    /// "grants 1,432 actions in 12 services · 2 escalation paths".
    pub fn headline(&self) -> String {
        let verb = match self.policy_type {
            PolicyType::Identity | PolicyType::Resource | PolicyType::Trust => "grants",
            _ => "lets through",
        };
        let actions = self.summary.actions;
        let services = self.summary.services.len();
        let mut out = format!(
            "{verb} {} {} in {} {}",
            thousands(actions),
            plural(actions, "action", "actions"),
            thousands(services),
            plural(services, "service", "services")
        );
        if !self.escalations.is_empty() {
            let n = self.escalations.len();
            out.push_str(&format!(" · {n} {}", plural(n, "escalation path", "escalation paths")));
        }
        out
    }

    pub fn rows(&self) -> Vec<Row> {
        self.summary
            .services
            .iter()
            .map(|s| {
                let mut row = Row {
                    service: s.prefix,
                    levels: [0; 6],
                    actions: 0,
                    by_resource: 0,
                    by_condition: 0,
                    unconstrained: 0,
                };
                for l in &s.levels {
                    let slot = l
                        .level
                        .and_then(|level| AccessLevel::ALL.iter().position(|x| *x == level))
                        .unwrap_or(5);
                    if let Some(cell) = row.levels.get_mut(slot) {
                        *cell += l.actions;
                    }
                    row.actions += l.actions;
                    row.by_resource += l.by_resource;
                    row.by_condition += l.by_condition;
                    row.unconstrained += l.unconstrained;
                }
                row
            })
            .collect()
    }

    /// The headline, a Markdown table of the services (at most `max_rows`, the rest counted
    /// in a last line) and the escalation paths: the hover on the code lens.
    pub fn markdown(&self, max_rows: usize) -> String {
        let mut out = format!("**{}**\n\n", self.headline());
        let rows = self.rows();
        if !rows.is_empty() {
            out.push_str("| Service | List | Read | Write | Permissions | Tagging | Limited by resource | By condition | Unlimited |\n");
            out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for r in rows.iter().take(max_rows) {
                let [list, read, write, perms, tagging, _] = r.levels;
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                    r.service,
                    cell(list),
                    cell(read),
                    cell(write),
                    cell(perms),
                    cell(tagging),
                    cell(r.by_resource),
                    cell(r.by_condition),
                    cell(r.unconstrained)
                ));
            }
            if rows.len() > max_rows {
                let rest = rows.get(max_rows..).unwrap_or(&[]);
                let actions: usize = rest.iter().map(|r| r.actions).sum();
                out.push_str(&format!(
                    "\n…and {} more {} ({} {}).\n",
                    rest.len(),
                    plural(rest.len(), "service", "services"),
                    thousands(actions),
                    plural(actions, "action", "actions")
                ));
            }
        }
        if !self.escalations.is_empty() {
            out.push_str("\nEscalation paths: ");
            let names: Vec<String> = self.escalations.iter().map(|m| format!("`{m}`")).collect();
            out.push_str(&names.join(", "));
            out.push('\n');
        }
        out
    }
}

fn cell(n: usize) -> String {
    if n == 0 { String::new() } else { thousands(n) }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `1432` as `1,432`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_counts_actions_services_and_paths() {
        let access = Access::from_text(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances", "s3:GetObject"], "Resource": "*"}]}"#,
            Some(PolicyType::Identity),
        );
        let overview = Overview::new(&access);
        assert_eq!(
            overview.headline(),
            "grants 3 actions in 3 services · 1 escalation path"
        );
        let rows = overview.rows();
        let services: Vec<(&str, [usize; 6], usize)> =
            rows.iter().map(|r| (r.service, r.levels, r.unconstrained)).collect();
        assert_eq!(
            services,
            vec![
                ("ec2", [0, 0, 1, 0, 0, 0], 1),
                ("iam", [0, 0, 1, 0, 0, 0], 1),
                ("s3", [0, 1, 0, 0, 0, 0], 1)
            ]
        );
        let md = overview.markdown(2);
        assert!(md.contains("| `ec2` |"), "{md}");
        assert!(!md.contains("| `s3` |"), "{md}");
        assert!(md.contains("…and 1 more service (1 action)."), "{md}");
        assert!(md.contains("Escalation paths: `CreateEC2WithExistingIP`"), "{md}");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1432), "1,432");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
