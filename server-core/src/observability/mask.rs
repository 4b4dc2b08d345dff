//! Masking of personal data and secrets before they reach a log line.

/// `kim.minjun@example.com` → `k***@example.com`: enough to tell accounts
/// apart in a log, not enough to contact anyone.
pub fn email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// A principal's name for a log line: an e-mail address masked (see
/// [`email`]); an API key's name (`api_key:ds_xxxxxxxx`, its public prefix) as is.
pub fn name(name: &str) -> String {
    if name.contains('@') {
        email(name)
    } else {
        name.to_owned()
    }
}

/// A secret's first four characters (a key's visible prefix), the rest hidden.
pub fn secret(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    format!("{shown}***")
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails_keep_only_the_first_letter_and_the_domain() {
        assert_eq!(super::email("kim.minjun@example.com"), "k***@example.com");
        assert_eq!(super::email("not-an-address"), "***");
    }

    #[test]
    fn principal_names_hide_addresses_but_keep_key_prefixes() {
        assert_eq!(super::name("Kim.Minjun@Example.com"), "K***@Example.com");
        assert_eq!(super::name("api_key:ds_abcdefgh"), "api_key:ds_abcdefgh");
    }

    #[test]
    fn secrets_keep_only_a_short_prefix() {
        assert_eq!(super::secret("ds_abcdefghijklmnop"), "ds_a***");
        assert_eq!(super::secret("ab"), "ab***");
    }
}
