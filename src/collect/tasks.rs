//! Spawned tasks whose failures stay theirs: a task that panics (a bug meeting an answer nobody
//! foresaw) becomes an error for its own key (one region, one account) and every other task
//! goes on. Tokio already catches the panic of a spawned task and hands it back as a
//! `JoinError`; this keeps track of which key each task was for.

use std::collections::HashMap;
use std::future::Future;

use tokio::task::{Id, JoinError, JoinSet};

/// At most this much of a panic message is kept: it goes into a snapshot and onto stderr.
const MAX_MESSAGE: usize = 300;

pub struct Isolated<K, T> {
    set: JoinSet<T>,
    keys: HashMap<Id, K>,
}

impl<K, T: Send + 'static> Isolated<K, T> {
    pub fn new() -> Self {
        Isolated {
            set: JoinSet::new(),
            keys: HashMap::new(),
        }
    }

    pub fn spawn<F>(&mut self, key: K, task: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle = self.set.spawn(task);
        self.keys.insert(handle.id(), key);
    }

    /// Tasks still running.
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// The next task to finish, with its key: its value, or why it produced none. `None` when
    /// no task is left.
    pub async fn next(&mut self) -> Option<(K, Result<T, String>)> {
        loop {
            let (id, outcome) = match self.set.join_next_with_id().await? {
                Ok((id, value)) => (id, Ok(value)),
                Err(e) => (e.id(), Err(describe(e))),
            };
            // Every spawned task has its key; a task without one was not spawned here.
            if let Some(key) = self.keys.remove(&id) {
                return Some((key, outcome));
            }
        }
    }
}

/// One line for a task that ended without a value.
fn describe(e: JoinError) -> String {
    if !e.is_panic() {
        return "the task was cancelled".into();
    }
    let payload = e.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let message: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_MESSAGE)
        .collect();
    format!("gwaudit failed (panicked: {message}); please report this as a bug")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_is_an_error_for_its_key_and_the_others_finish() {
        let mut tasks = Isolated::new();
        tasks.spawn("a", async { 1 });
        tasks.spawn("b", async {
            let answers: Vec<u32> = Vec::new();
            answers
                .first()
                .copied()
                .expect("an answer nobody foresaw\nwith a second line")
        });
        tasks.spawn("c", async {
            tokio::task::yield_now().await;
            3
        });
        let mut done = Vec::new();
        while let Some(d) = tasks.next().await {
            done.push(d);
        }
        done.sort_by_key(|(k, _)| *k);
        assert_eq!(done.len(), 3);
        assert_eq!(done[0], ("a", Ok(1)));
        assert_eq!(done[2], ("c", Ok(3)));
        let why = done[1].1.as_ref().unwrap_err();
        assert!(
            why.contains("panicked: an answer nobody foresaw with a second line"),
            "{why}"
        );
        assert_eq!(tasks.len(), 0);
    }
}
