//! The account directory that ends an invocation's instruction data: the address and owner of
//! every account the transaction passes after the state account, and the bindings of the
//! scenario's account names to the program's globals. Its reader is `ovsm_read_directory` in
//! codegen/support/auto.ll, whose header and docs/codegen.md give the layout.
//!
//! Why not wire-format values: decoded item by item, the two arrays this replaces cost every
//! invocation about 135 compute units per account passed, used or not. The directory puts each
//! address at a fixed stride as a string object, so the program uses it where it lies, and
//! binds a global with one word.

/// Who owns a passed account. The running program and the system program go as numbers: the
/// program has both strings already.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Owner {
    Program,
    System,
    Other(String),
}

/// What a scenario account name that is a program global stands for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Bound {
    /// The account at this position among those passed (from 0): the global takes that
    /// entry's address, one string object for the name and the account.
    Passed(usize),
    /// An account the bank does not hold: the global takes its address all the same.
    Unheld(String),
}

/// The directory's fixed words: passed, total, stride, bindings.
const HEADER: usize = 32;
/// An entry's owner word and its address's length word.
const ENTRY_WORDS: usize = 16;

/// Appends the directory for `accounts` (address, owner; in the order the transaction passes
/// them) and `bindings` (global index, what it stands for) to `data`, after zeros to the next
/// multiple of 8: the instruction data starts 8-aligned in the loader's input, so the directory
/// is too and the program reads its words whole. With neither, nothing: the program takes data
/// that ends with its values for an empty directory, which saves every such invocation the
/// directory's checks.
pub(super) fn append(data: &mut Vec<u8>, accounts: &[(String, Owner)], bindings: &[(usize, Bound)]) -> Result<(), String> {
    if accounts.is_empty() && bindings.is_empty() {
        return Ok(());
    }
    let unheld: Vec<&str> = bindings
        .iter()
        .filter_map(|(_, bound)| match bound {
            Bound::Unheld(address) => Some(address.as_str()),
            Bound::Passed(_) => None,
        })
        .collect();
    let addresses: Vec<&str> = accounts.iter().map(|(a, _)| a.as_str()).chain(unheld.iter().copied()).collect();
    let longest = addresses.iter().map(|a| a.len()).max().unwrap_or(0);
    let stride = ENTRY_WORDS + longest.next_multiple_of(8);
    let owners_at = HEADER + addresses.len() * stride + bindings.len() * 8;
    let mut owner_strings = Vec::new();
    let mut owner_words = Vec::with_capacity(addresses.len());
    for (_, owner) in accounts {
        owner_words.push(match owner {
            Owner::Program => 0,
            Owner::System => 1,
            Owner::Other(address) => {
                let at = owners_at + owner_strings.len();
                push_string(&mut owner_strings, address);
                at as u64
            }
        });
    }
    owner_words.resize(addresses.len(), 0);
    let mut next_unheld = accounts.len();
    let mut words = Vec::with_capacity(bindings.len());
    for (global, bound) in bindings {
        let entry = match bound {
            Bound::Passed(k) if *k < accounts.len() => *k,
            Bound::Passed(k) => return Err(format!("internal error: binding of account {k} of {}", accounts.len())),
            Bound::Unheld(_) => {
                next_unheld += 1;
                next_unheld - 1
            }
        };
        let (Ok(global), Ok(entry)) = (u32::try_from(*global), u32::try_from(entry)) else {
            return Err("internal error: too many globals or accounts to bind".into());
        };
        words.push((u64::from(global) << 32) | u64::from(entry));
    }

    data.resize(data.len().next_multiple_of(8), 0);
    for word in [accounts.len(), addresses.len(), stride, bindings.len()] {
        data.extend_from_slice(&(word as u64).to_le_bytes());
    }
    for (address, owner) in addresses.iter().zip(&owner_words) {
        let start = data.len();
        data.extend_from_slice(&owner.to_le_bytes());
        data.extend_from_slice(&(address.len() as u64).to_le_bytes());
        data.extend_from_slice(address.as_bytes());
        data.resize(start + stride, 0);
    }
    for word in words {
        data.extend_from_slice(&word.to_le_bytes());
    }
    data.extend(owner_strings);
    Ok(())
}

/// A string object as the program lays one out (u64 length, bytes), padded to 8.
fn push_string(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out.resize(out.len().next_multiple_of(8), 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(data: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(data[at..at + 8].try_into().unwrap())
    }

    #[test]
    fn lays_out_entries_bindings_and_owner_strings() {
        let mut data = vec![3u8; 5];
        let accounts = vec![("Abc".to_string(), Owner::Program), ("Defgh".to_string(), Owner::Other("Own".into()))];
        let bindings = vec![(7, Bound::Passed(1)), (2, Bound::Unheld("Zz".into()))];
        append(&mut data, &accounts, &bindings).unwrap();
        let d = &data[8..];
        assert_eq!(&data[5..8], &[0, 0, 0], "zeros up to the 8-aligned directory");
        assert_eq!([word(d, 0), word(d, 8), word(d, 16), word(d, 24)], [2, 3, 24, 2]);
        // entries: owner word, length, address padded to the stride
        assert_eq!((word(d, 32), word(d, 40), &d[48..51]), (0, 3, &b"Abc"[..]));
        let owners_at = 32 + 3 * 24 + 2 * 8;
        assert_eq!((word(d, 56), word(d, 64), &d[72..77]), (owners_at as u64, 5, &b"Defgh"[..]));
        assert_eq!((word(d, 80), word(d, 88), &d[96..98]), (0, 2, &b"Zz"[..]), "the unheld address after the passed ones");
        assert_eq!([word(d, 104), word(d, 112)], [7 << 32 | 1, 2 << 32 | 2]);
        assert_eq!((word(d, owners_at), &d[owners_at + 8..owners_at + 11]), (3, &b"Own"[..]));
        assert_eq!(d.len(), owners_at + 16);
    }

    #[test]
    fn no_accounts_and_no_bindings_is_no_directory() {
        let mut data = vec![1u8; 3];
        append(&mut data, &[], &[]).unwrap();
        assert_eq!(data, [1, 1, 1]);
    }

    #[test]
    fn bindings_of_unheld_accounts_alone_make_a_directory() {
        let mut data = Vec::new();
        append(&mut data, &[], &[(4, Bound::Unheld("Q".into()))]).unwrap();
        assert_eq!([word(&data, 0), word(&data, 8), word(&data, 16), word(&data, 24)], [0, 1, 24, 1]);
        assert_eq!(word(&data, 56), 4 << 32, "global 4 takes entry 0");
    }

    #[test]
    fn a_binding_past_the_accounts_is_refused() {
        let mut data = Vec::new();
        assert!(append(&mut data, &[], &[(0, Bound::Passed(0))]).is_err());
    }
}
