//! Resource quantities (`100m`, `1.5`, `128Mi`, `1G`, `2e3`), parsed as
//! k8s.io/apimachinery/pkg/api/resource parses them, kept as milli-units.

/// A parsed quantity in thousandths of the base unit (millicores for CPU,
/// millibytes for memory), saturating at `i128` bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Milli(pub i128);

impl Milli {
    /// The value rounded up to whole units (as `Quantity.Value()` does).
    pub fn value(self) -> i128 {
        let q = self.0.div_euclid(1000);
        if self.0.rem_euclid(1000) == 0 {
            q
        } else {
            q + 1
        }
    }

    /// The value in milli-units (as `Quantity.MilliValue()`).
    pub fn milli(self) -> i128 {
        self.0
    }
}

/// Why a quantity does not parse; the message is apimachinery's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError;

impl std::fmt::Display for QuantityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    }
}

/// Parses a quantity string.
pub fn parse(s: &str) -> Result<Milli, QuantityError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(QuantityError);
    }
    let (sign, rest) = match s.as_bytes()[0] {
        b'+' => (1i128, &s[1..]),
        b'-' => (-1i128, &s[1..]),
        _ => (1i128, s),
    };
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (num, suffix) = rest.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return Err(QuantityError);
    }
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    // Value as a rational: digits / 10^frac_len.
    let digits: String = format!("{int_part}{frac_part}");
    let mantissa: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| QuantityError)?
    };
    let frac_len = frac_part.len() as u32;

    // (multiplier numerator, base-10 exponent) of the suffix.
    let (mul, exp10): (i128, i32) = match suffix {
        "" => (1, 0),
        "n" => (1, -9),
        "u" => (1, -6),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        s if s.starts_with(['e', 'E']) => {
            let e: i32 = s[1..].parse().map_err(|_| QuantityError)?;
            if !(-30..=30).contains(&e) {
                return Err(QuantityError);
            }
            (1, e)
        }
        _ => return Err(QuantityError),
    };
    // milli = mantissa * mul * 10^(exp10 + 3 - frac_len), rounded up.
    let e = exp10 + 3 - frac_len as i32;
    let base = mantissa.saturating_mul(mul);
    let milli = if e >= 0 {
        base.saturating_mul(10i128.saturating_pow(e as u32))
    } else {
        let d = 10i128.saturating_pow((-e) as u32);
        (base + d - 1) / d
    };
    Ok(Milli(sign * milli))
}

/// CPU in millicores (`0.5` → 500, `250m` → 250), 0 if unparseable.
pub fn cpu_millis(s: &str) -> i64 {
    parse(s).map(|m| m.0 as i64).unwrap_or(0)
}

/// Memory (or any byte quantity) in bytes, rounded up, 0 if unparseable.
pub fn bytes(s: &str) -> i64 {
    parse(s).map(|m| m.value() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_forms() {
        assert_eq!(cpu_millis("100m"), 100);
        assert_eq!(cpu_millis("0.5"), 500);
        assert_eq!(cpu_millis("2"), 2000);
        assert_eq!(cpu_millis("1.25"), 1250);
    }

    #[test]
    fn parses_memory_forms() {
        assert_eq!(bytes("128Mi"), 128 * 1024 * 1024);
        assert_eq!(bytes("1G"), 1_000_000_000);
        assert_eq!(bytes("64Ki"), 65536);
        assert_eq!(bytes("1e3"), 1000);
        assert_eq!(bytes("8Gi"), 8 * 1024 * 1024 * 1024);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("abc").is_err());
        assert!(parse("1.2.3").is_err());
        assert!(parse("10Qi").is_err());
        assert!(parse("").is_err());
    }
}
