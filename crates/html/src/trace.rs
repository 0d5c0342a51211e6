//! Work kept across builds (`ExportContext::cache`): what a page's rendering asked of its links,
//! so that a page rendered by an earlier build is reused only when every answer is still the same.
//! Shared by the exporters that render pages with this crate (EPUB, the feed).
//!
//! A page's document depends on the page and on what [`Links`] answered while it was rendered:
//! the files and titles of the pages it links to, the files of the images it shows (numbered in
//! order of first use across the book). The cache key digests the page and the renderer's options;
//! the cached value carries every question asked with its answer (a trace). A cached page is used
//! only after the trace is replayed against this build's links and every answer is equal, which
//! also gives the links the same side effects (images embedded and counted) as rendering it again.

use crate::Links;
use livret_model::{Target, XRef};
use std::cell::RefCell;

/// One question the renderer asked its links, and the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    question: Question,
    answer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Question {
    Href(XRef),
    ImageSrc(XRef),
    PageTitle(String),
}

/// [`Links`] that passes every question to `links` and writes it down with its answer.
pub struct Recorder<'l> {
    links: &'l dyn Links,
    calls: RefCell<Vec<Call>>,
}

impl std::fmt::Debug for Recorder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("calls", &self.calls.borrow().len())
            .finish()
    }
}

impl<'l> Recorder<'l> {
    pub fn new(links: &'l dyn Links) -> Self {
        Recorder {
            links,
            calls: RefCell::new(Vec::new()),
        }
    }

    pub fn into_calls(self) -> Vec<Call> {
        self.calls.into_inner()
    }

    fn record(&self, question: Question, answer: &Option<String>) {
        self.calls.borrow_mut().push(Call {
            question,
            answer: answer.clone(),
        });
    }
}

impl Links for Recorder<'_> {
    fn href(&self, xref: &XRef) -> Option<String> {
        let answer = self.links.href(xref);
        self.record(Question::Href(xref.clone()), &answer);
        answer
    }

    fn image_src(&self, xref: &XRef) -> Option<String> {
        let answer = self.links.image_src(xref);
        self.record(Question::ImageSrc(xref.clone()), &answer);
        answer
    }

    fn page_title(&self, path: &str) -> Option<String> {
        let answer = self.links.page_title(path);
        self.record(Question::PageTitle(path.to_owned()), &answer);
        answer
    }
}

/// Whether the calls ask anything that changes the links' state (images).
pub fn has_side_effects(calls: &[Call]) -> bool {
    calls
        .iter()
        .any(|call| matches!(call.question, Question::ImageSrc(_)))
}

/// Asks `links` the same questions in the same order; true when every answer is the same.
/// Stops at the first difference (the caller restores the links' state then).
pub fn replay(calls: &[Call], links: &dyn Links) -> bool {
    calls.iter().all(|call| {
        let answer = match &call.question {
            Question::Href(xref) => links.href(xref),
            Question::ImageSrc(xref) => links.image_src(xref),
            Question::PageTitle(path) => links.page_title(path),
        };
        answer == call.answer
    })
}

/// A byte encoding for cached values: lengths as 8-byte little-endian integers.
#[derive(Debug, Default)]
pub struct Encoder(pub Vec<u8>);

impl Encoder {
    pub fn u64(&mut self, value: u64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    pub fn str(&mut self, text: &str) {
        self.u64(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    fn option(&mut self, text: Option<&str>) {
        match text {
            Some(text) => {
                self.0.push(1);
                self.str(text);
            }
            None => self.0.push(0),
        }
    }

    /// Every field of the reference (the match is exhaustive: a new field or kind of target
    /// does not compile until it is written here).
    fn xref(&mut self, XRef { raw, target }: &XRef) {
        self.str(raw);
        match target {
            Target::Page { path, anchor } => {
                self.0.push(0);
                self.str(path);
                self.option(anchor.as_deref());
            }
            Target::Asset { path } => {
                self.0.push(1);
                self.str(path);
            }
            Target::External { url } => {
                self.0.push(2);
                self.str(url);
            }
            Target::Broken { reason } => {
                self.0.push(3);
                self.str(reason);
            }
        }
    }

    pub fn calls(&mut self, calls: &[Call]) {
        self.u64(calls.len() as u64);
        for call in calls {
            match &call.question {
                Question::Href(xref) => {
                    self.0.push(0);
                    self.xref(xref);
                }
                Question::ImageSrc(xref) => {
                    self.0.push(1);
                    self.xref(xref);
                }
                Question::PageTitle(path) => {
                    self.0.push(2);
                    self.str(path);
                }
            }
            self.option(call.answer.as_deref());
        }
    }
}

/// Reads what [`Encoder`] wrote; `None` at the first inconsistency (a damaged value is a miss).
#[derive(Debug)]
pub struct Decoder<'b>(pub &'b [u8]);

impl<'b> Decoder<'b> {
    fn take(&mut self, count: usize) -> Option<&'b [u8]> {
        if self.0.len() < count {
            return None;
        }
        let (head, tail) = self.0.split_at(count);
        self.0 = tail;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    pub fn bytes(&mut self) -> Option<&'b [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        self.take(len)
    }

    pub fn str(&mut self) -> Option<&'b str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    fn option(&mut self) -> Option<Option<String>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.str()?.to_owned())),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    fn xref(&mut self) -> Option<XRef> {
        let raw = self.string()?;
        let target = match self.byte()? {
            0 => Target::Page {
                path: self.string()?,
                anchor: self.option()?,
            },
            1 => Target::Asset {
                path: self.string()?,
            },
            2 => Target::External {
                url: self.string()?,
            },
            3 => Target::Broken {
                reason: self.string()?,
            },
            _ => return None,
        };
        Some(XRef { raw, target })
    }

    pub fn calls(&mut self) -> Option<Vec<Call>> {
        let count = usize::try_from(self.u64()?).ok()?;
        let mut calls = Vec::with_capacity(count.min(self.0.len()));
        for _ in 0..count {
            let question = match self.byte()? {
                0 => Question::Href(self.xref()?),
                1 => Question::ImageSrc(self.xref()?),
                2 => Question::PageTitle(self.string()?),
                _ => return None,
            };
            let answer = self.option()?;
            calls.push(Call { question, answer });
        }
        Some(calls)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(&'static str);

    impl Links for Fixed {
        fn href(&self, xref: &XRef) -> Option<String> {
            Some(format!("{}{}", self.0, xref.raw))
        }
        fn image_src(&self, _: &XRef) -> Option<String> {
            None
        }
        fn page_title(&self, path: &str) -> Option<String> {
            (path == "a.md").then(|| self.0.to_owned())
        }
    }

    #[test]
    fn traces_round_trip_and_replay_only_when_every_answer_is_the_same() {
        let xref = XRef {
            raw: "a.md".to_owned(),
            target: Target::Page {
                path: "a.md".to_owned(),
                anchor: Some("x".to_owned()),
            },
        };
        let links = Fixed("one/");
        let recorder = Recorder::new(&links);
        recorder.href(&xref);
        recorder.page_title("a.md");
        recorder.image_src(&xref);
        let calls = recorder.into_calls();
        assert!(has_side_effects(&calls));
        let mut encoder = Encoder::default();
        encoder.calls(&calls);
        let mut decoder = Decoder(&encoder.0);
        assert_eq!(decoder.calls().as_deref(), Some(&calls[..]));
        assert!(decoder.is_empty());
        assert!(replay(&calls, &Fixed("one/")));
        assert!(!replay(&calls, &Fixed("two/")));
        assert_eq!(Decoder(&encoder.0[..encoder.0.len() - 1]).calls(), None);
    }
}
