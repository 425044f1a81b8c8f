//! Small enums shared by the catalog API and the generator.

use std::fmt;

/// An action's access level, normalised to the five levels of the AWS Service Authorization
/// Reference.
///
/// The reference data sometimes combines two levels (`"Tagging, Write"`,
/// `"Permissions management, Write"`). Every such action also writes, and the AWS docs file it
/// under the more specific level, so [`AccessLevel::from_reference`] picks the level other than
/// `Write`: specificity order is `PermissionsManagement` > `Tagging` > `Write` > `Read` > `List`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum AccessLevel {
    /// List resources (`List*`, many `Describe*`).
    List = 1,
    /// Read resource contents or attributes.
    Read = 2,
    /// Create, change or delete resources.
    Write = 3,
    /// Change who may do what (policies, grants, ACLs).
    PermissionsManagement = 4,
    /// Change tags only.
    Tagging = 5,
}

impl AccessLevel {
    /// All levels, in declaration order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// Parse the reference's text (`"Read"`, `"Permissions management"`, `"Tagging, Write"`),
    /// applying the rule in the type's docs to combined levels. Case-insensitive.
    pub fn from_reference(text: &str) -> Option<AccessLevel> {
        let mut best: Option<AccessLevel> = None;
        for part in text.split(',') {
            let level = match part.trim().to_ascii_lowercase().as_str() {
                "list" => AccessLevel::List,
                "read" => AccessLevel::Read,
                "write" => AccessLevel::Write,
                "permissions management" | "permissionsmanagement" => AccessLevel::PermissionsManagement,
                "tagging" => AccessLevel::Tagging,
                _ => return None,
            };
            if best.is_none_or(|b| level.specificity() > b.specificity()) {
                best = Some(level);
            }
        }
        best
    }

    fn specificity(self) -> u8 {
        match self {
            AccessLevel::List => 0,
            AccessLevel::Read => 1,
            AccessLevel::Write => 2,
            AccessLevel::Tagging => 3,
            AccessLevel::PermissionsManagement => 4,
        }
    }

    /// Decode the wire value (`self as u8`).
    pub fn from_u8(v: u8) -> Option<AccessLevel> {
        AccessLevel::ALL.into_iter().find(|l| *l as u8 == v)
    }

    /// The name as the AWS docs print it (`"Permissions management"`).
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value type of a condition key, as the reference names it (`String`, `ArrayOfARN`, ...).
///
/// `ArrayOf*` types are multi-valued: use them with `ForAnyValue:` / `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyType {
    String = 0,
    ArrayOfString = 1,
    Arn = 2,
    ArrayOfArn = 3,
    Bool = 4,
    ArrayOfBool = 5,
    Numeric = 6,
    ArrayOfNumeric = 7,
    Date = 8,
    ArrayOfDate = 9,
    IpAddress = 10,
    ArrayOfIpAddress = 11,
    Binary = 12,
    ArrayOfBinary = 13,
}

impl KeyType {
    /// All types, in declaration order.
    pub const ALL: [KeyType; 14] = [
        KeyType::String,
        KeyType::ArrayOfString,
        KeyType::Arn,
        KeyType::ArrayOfArn,
        KeyType::Bool,
        KeyType::ArrayOfBool,
        KeyType::Numeric,
        KeyType::ArrayOfNumeric,
        KeyType::Date,
        KeyType::ArrayOfDate,
        KeyType::IpAddress,
        KeyType::ArrayOfIpAddress,
        KeyType::Binary,
        KeyType::ArrayOfBinary,
    ];

    /// Parse the reference's name (`"ArrayOfARN"`, `"IPAddress"`, `"Boolean"`); case-insensitive.
    pub fn from_reference(text: &str) -> Option<KeyType> {
        let t = text.trim().to_ascii_lowercase();
        let (array, base) = match t.strip_prefix("arrayof") {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let scalar = match base {
            "string" => KeyType::String,
            "arn" => KeyType::Arn,
            "bool" | "boolean" => KeyType::Bool,
            "numeric" | "number" | "long" | "integer" => KeyType::Numeric,
            "date" => KeyType::Date,
            "ipaddress" | "ip" => KeyType::IpAddress,
            "binary" => KeyType::Binary,
            _ => return None,
        };
        Some(if array { scalar.array() } else { scalar })
    }

    /// Decode the wire value (`self as u8`).
    pub fn from_u8(v: u8) -> Option<KeyType> {
        KeyType::ALL.into_iter().find(|t| *t as u8 == v)
    }

    /// True for `ArrayOf*`.
    pub fn is_array(self) -> bool {
        (self as u8) % 2 == 1
    }

    /// The element type (`ArrayOfString` → `String`; scalars map to themselves).
    pub fn scalar(self) -> KeyType {
        KeyType::from_u8((self as u8) & !1).unwrap_or(self)
    }

    /// The array type of the element type (`String` → `ArrayOfString`).
    pub fn array(self) -> KeyType {
        KeyType::from_u8((self as u8) | 1).unwrap_or(self)
    }

    /// The reference's name for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::String => "String",
            KeyType::ArrayOfString => "ArrayOfString",
            KeyType::Arn => "ARN",
            KeyType::ArrayOfArn => "ArrayOfARN",
            KeyType::Bool => "Bool",
            KeyType::ArrayOfBool => "ArrayOfBool",
            KeyType::Numeric => "Numeric",
            KeyType::ArrayOfNumeric => "ArrayOfNumeric",
            KeyType::Date => "Date",
            KeyType::ArrayOfDate => "ArrayOfDate",
            KeyType::IpAddress => "IPAddress",
            KeyType::ArrayOfIpAddress => "ArrayOfIPAddress",
            KeyType::Binary => "Binary",
            KeyType::ArrayOfBinary => "ArrayOfBinary",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_levels_pick_the_specific_one() {
        assert_eq!(
            AccessLevel::from_reference("Tagging, Write"),
            Some(AccessLevel::Tagging)
        );
        assert_eq!(
            AccessLevel::from_reference("Permissions management, Write"),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(AccessLevel::from_reference("Read"), Some(AccessLevel::Read));
        assert_eq!(AccessLevel::from_reference("Bogus"), None);
        for l in AccessLevel::ALL {
            assert_eq!(AccessLevel::from_u8(l as u8), Some(l));
        }
    }

    #[test]
    fn key_types_round_trip() {
        for t in KeyType::ALL {
            assert_eq!(KeyType::from_reference(t.as_str()), Some(t));
            assert_eq!(KeyType::from_u8(t as u8), Some(t));
            assert_eq!(t.scalar().array(), t.array());
        }
        assert!(KeyType::ArrayOfArn.is_array());
        assert_eq!(KeyType::ArrayOfArn.scalar(), KeyType::Arn);
        assert!(!KeyType::Bool.is_array());
    }
}
