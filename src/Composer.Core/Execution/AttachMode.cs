
namespace Composer.Core.Execution;

/// <summary>
/// How <c>exec</c> and <c>run</c> connect a process to composer's own streams, by Compose's rules: a TTY when composer's
/// stdin and stdout are terminals (unless <c>-T</c>; <c>-t</c> forces one), stdin forwarded unless detached or
/// <c>--interactive=false</c>.
/// </summary>
public sealed record AttachMode(bool Tty, bool Stdin)
{
    /// <summary>The mode for the flags and composer's terminals; null with <paramref name="error"/> when they contradict.</summary>
    public static AttachMode? Decide(bool noTty, bool tty, bool interactive, bool detach, bool stdinIsTerminal, bool stdoutIsTerminal, out string? error)
    {
        error = null;
        if (noTty && tty)
        {
            error = "--tty and --no-TTY can't be used together";
            return null;
        }
        var allocate = tty || !noTty && stdinIsTerminal && stdoutIsTerminal;
        var stdin = interactive && !detach;
        // A TTY reads keystrokes: input that is not a terminal has none to give (the docker CLI's rule).
        if (allocate && stdin && !stdinIsTerminal)
        {
            error = "the input device is not a TTY";
            return null;
        }
        return new AttachMode(allocate, stdin);
    }
}
