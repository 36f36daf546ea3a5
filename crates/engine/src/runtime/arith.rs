//! Shell arithmetic (`$((...))`): 64-bit signed integers, C operators
//! (`+ - * / % ( ) == != < <= > >= && || ! ~ & | ^ << >>`), bare and `$`
//! variable names (unset or non-numeric → 0, as in dash).

use std::collections::BTreeMap;

/// Evaluates `src` with `vars`; `Err` is the message after `sh: `.
pub fn eval(src: &str, vars: &BTreeMap<String, String>) -> Result<i64, String> {
    let toks = lex(src, vars)?;
    let mut p = P {
        toks,
        i: 0,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Ok(0);
    }
    let v = p.ternary()?;
    if p.i != p.toks.len() {
        return Err(format!("arithmetic syntax error: \"{}\"", src.trim()));
    }
    Ok(v)
}

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Op(&'static str),
}

fn var_value(name: &str, vars: &BTreeMap<String, String>) -> i64 {
    vars.get(name)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0)
}

fn lex(src: &str, vars: &BTreeMap<String, String>) -> Result<Vec<T>, String> {
    const OPS: &[&str] = &[
        "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "(", ")",
        "<", ">", "!", "~", "&", "|", "^", "?", ":",
    ];
    let cs: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    'outer: while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let mut s = String::new();
            while i < cs.len() && cs[i].is_ascii_alphanumeric() {
                s.push(cs[i]);
                i += 1;
            }
            let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                i64::from_str_radix(h, 16)
            } else if s.len() > 1 && s.starts_with('0') {
                i64::from_str_radix(&s[1..], 8)
            } else {
                s.parse()
            };
            out.push(T::Num(v.map_err(|_| {
                format!("arithmetic syntax error: \"{}\"", src.trim())
            })?));
            continue;
        }
        if c == '$' || c.is_ascii_alphabetic() || c == '_' {
            if c == '$' {
                i += 1;
            }
            let brace = cs.get(i) == Some(&'{');
            if brace {
                i += 1;
            }
            let mut name = String::new();
            while i < cs.len() && (cs[i].is_ascii_alphanumeric() || cs[i] == '_') {
                name.push(cs[i]);
                i += 1;
            }
            if brace && cs.get(i) == Some(&'}') {
                i += 1;
            }
            out.push(T::Num(var_value(&name, vars)));
            continue;
        }
        for op in OPS {
            if cs[i..].iter().take(op.len()).collect::<String>() == *op {
                out.push(T::Op(op));
                i += op.len();
                continue 'outer;
            }
        }
        return Err(format!("arithmetic syntax error: \"{}\"", src.trim()));
    }
    Ok(out)
}

struct P {
    toks: Vec<T>,
    i: usize,
    depth: usize,
}

fn prec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | "<=" | ">" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        "**" => 11,
        _ => return None,
    })
}

impl P {
    fn ternary(&mut self) -> Result<i64, String> {
        let c = self.expr(0)?;
        if self.toks.get(self.i) != Some(&T::Op("?")) {
            return Ok(c);
        }
        self.i += 1;
        let a = self.ternary()?;
        if self.toks.get(self.i) != Some(&T::Op(":")) {
            return Err("arithmetic syntax error: expecting ':'".into());
        }
        self.i += 1;
        let b = self.ternary()?;
        Ok(if c != 0 { a } else { b })
    }

    fn unary(&mut self) -> Result<i64, String> {
        if self.depth > 100 {
            return Err("arithmetic expression too deeply nested".into());
        }
        self.depth += 1;
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<i64, String> {
        match self.toks.get(self.i).cloned() {
            Some(T::Num(n)) => {
                self.i += 1;
                Ok(n)
            }
            Some(T::Op("(")) => {
                self.i += 1;
                let v = self.ternary()?;
                if self.toks.get(self.i) != Some(&T::Op(")")) {
                    return Err("arithmetic syntax error: missing ')'".into());
                }
                self.i += 1;
                Ok(v)
            }
            Some(T::Op(op @ ("-" | "+" | "!" | "~"))) => {
                self.i += 1;
                let v = self.unary()?;
                Ok(match op {
                    "-" => v.wrapping_neg(),
                    "+" => v,
                    "!" => i64::from(v == 0),
                    _ => !v,
                })
            }
            _ => Err("arithmetic syntax error".into()),
        }
    }

    fn expr(&mut self, min: u8) -> Result<i64, String> {
        let mut lhs = self.unary()?;
        while let Some(T::Op(op)) = self.toks.get(self.i).cloned() {
            let Some(p) = prec(op) else { break };
            if p < min {
                break;
            }
            self.i += 1;
            let rhs = self.expr(p + 1)?;
            lhs = match op {
                "||" => i64::from(lhs != 0 || rhs != 0),
                "&&" => i64::from(lhs != 0 && rhs != 0),
                "|" => lhs | rhs,
                "^" => lhs ^ rhs,
                "&" => lhs & rhs,
                "==" => i64::from(lhs == rhs),
                "!=" => i64::from(lhs != rhs),
                "<" => i64::from(lhs < rhs),
                "<=" => i64::from(lhs <= rhs),
                ">" => i64::from(lhs > rhs),
                ">=" => i64::from(lhs >= rhs),
                "<<" => lhs.wrapping_shl(rhs as u32),
                ">>" => lhs.wrapping_shr(rhs as u32),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "**" => lhs.wrapping_pow(rhs.clamp(0, 64) as u32),
                "/" | "%" => {
                    if rhs == 0 {
                        return Err("divide by zero".into());
                    }
                    if op == "/" {
                        lhs.wrapping_div(rhs)
                    } else {
                        lhs.wrapping_rem(rhs)
                    }
                }
                _ => lhs,
            };
        }
        Ok(lhs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_follows_c_precedence_and_reads_variables() {
        let vars = BTreeMap::from([("i".to_string(), "41".to_string())]);
        assert_eq!(eval("i+1", &vars), Ok(42));
        assert_eq!(eval("$i * 2 - (1 + 1)", &vars), Ok(80));
        assert_eq!(eval("i > 40 && unset == 0", &vars), Ok(1));
        assert_eq!(eval("7 % 3", &vars), Ok(1));
        assert_eq!(eval("1/0", &vars), Err("divide by zero".to_string()));
    }
}
