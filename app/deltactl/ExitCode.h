#pragma once
// deltactl's exit codes. Scripts branch on them, so they are part of the CLI's
// contract (documented in `deltactl --help`) and never change meaning.
namespace dn::ctl {

enum ExitCode : int {
    kOk = 0,
    kRefused = 1,      // the node answered with an error, or the operation failed
    kUsage = 2,        // bad command line: unknown command, bad id, JSON that does not parse
    kUnreachable = 3,  // no answer from the node (connection refused, timeout)
};

}  // namespace dn::ctl
