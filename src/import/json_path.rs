//! The JSON path (`$.layers[2].kernel`) at a line and column of JSON text, so that an
//! error a typed parser reports by position can name the member the user must fix.

use super::preview;

enum Frame {
    Object { key: Option<String>, in_key: bool },
    Array { index: usize },
}

/// The path of the innermost member or element open at 1-based `line`:`column`.
/// The text is assumed to have passed the nesting pre-scan, so the stack is shallow.
pub fn at(text: &str, line: usize, column: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let (mut l, mut c) = (1usize, 0usize);
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch == '\n' {
            l += 1;
            c = 0;
        } else {
            c += 1;
        }
        match ch {
            '{' => stack.push(Frame::Object {
                key: None,
                in_key: true,
            }),
            '[' => stack.push(Frame::Array { index: 0 }),
            '}' | ']' => {
                stack.pop();
            }
            ',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { in_key, .. }) => *in_key = true,
                None => {}
            },
            ':' => {
                if let Some(Frame::Object { in_key, .. }) = stack.last_mut() {
                    *in_key = false;
                }
            }
            '"' => {
                let s = read_string(&mut chars, &mut c);
                if let Some(Frame::Object { key, in_key: true }) = stack.last_mut() {
                    *key = Some(s);
                }
            }
            _ => {}
        }
        if (l, c) >= (line, column) {
            break;
        }
    }
    render(&stack)
}

/// The rest of a string literal after its opening quote (escapes kept as written).
fn read_string(chars: &mut std::str::Chars<'_>, column: &mut usize) -> String {
    let mut s = String::new();
    let mut escaped = false;
    for ch in chars.by_ref() {
        *column += 1;
        match (escaped, ch) {
            (false, '"') => break,
            (false, '\\') => escaped = true,
            _ => escaped = false,
        }
        if s.len() < 200 {
            s.push(ch);
        }
    }
    s
}

fn render(stack: &[Frame]) -> String {
    let mut path = String::from("$");
    for frame in stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                path.push('.');
                path.push_str(&preview(k));
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}
