//! `dyopen completions <shell>`: shell completion scripts (clap_complete).

use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// `dyopen completions`.
#[derive(Debug, Args)]
pub struct CompletionsCmd {
    /// bash, zsh, fish, elvish or powershell
    shell: Shell,
}

impl CompletionsCmd {
    /// Prints the completion script of `C` for the shell on stdout.
    pub fn run<C: CommandFactory>(self) {
        let mut cmd = C::command();
        clap_complete::generate(self.shell, &mut cmd, "dyopen", &mut std::io::stdout());
    }
}
