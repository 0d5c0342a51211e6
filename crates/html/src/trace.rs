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
use livret_model::XRef;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// One question the renderer asked its links, and the answer; kept with the result it led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    question: Question,
    answer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use livret_model::Target;

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
        let bytes = livret_cache::encode(&calls).expect("calls serialise");
        assert_eq!(
            livret_cache::decode::<Vec<Call>>(&bytes),
            Some(calls.clone())
        );
        assert!(replay(&calls, &Fixed("one/")));
        assert!(!replay(&calls, &Fixed("two/")));
        assert_eq!(
            livret_cache::decode::<Vec<Call>>(&bytes[..bytes.len() - 1]),
            None
        );
    }
}
