using Composer.Core.Execution;

namespace Composer.Core.Tests.Execution;

/// <summary>When exec and run allocate a TTY and forward stdin: Compose's defaults and the flags that change them.</summary>
public class AttachModeTests
{
    [Theory]
    // noTty, tty, interactive, detach, stdin terminal, stdout terminal → tty, stdin
    [InlineData(false, false, true, false, true, true, true, true)]     // a terminal: a TTY, like `docker compose exec svc sh`
    [InlineData(false, false, true, false, false, true, false, true)]   // piped input: no TTY, input forwarded
    [InlineData(false, false, true, false, true, false, false, true)]   // output captured: no TTY
    [InlineData(true, false, true, false, true, true, false, true)]     // -T in a terminal
    [InlineData(false, false, false, false, true, true, true, false)]   // --interactive=false: a TTY, no input
    [InlineData(false, false, true, true, true, true, true, false)]     // -d: nothing attached
    [InlineData(false, true, false, false, false, false, true, false)]  // -t without input: a TTY anyway
    public void Decides_tty_and_stdin(bool noTty, bool tty, bool interactive, bool detach, bool stdinTerminal, bool stdoutTerminal, bool expectTty, bool expectStdin)
    {
        var mode = AttachMode.Decide(noTty, tty, interactive, detach, stdinTerminal, stdoutTerminal, out var error);
        error.Should().BeNull();
        mode.Should().Be(new AttachMode(expectTty, expectStdin));
    }

    [Fact]
    public void A_forced_tty_with_input_that_is_not_a_terminal_is_refused()
    {
        AttachMode.Decide(noTty: false, tty: true, interactive: true, detach: false, stdinIsTerminal: false, stdoutIsTerminal: true, out var error).Should().BeNull();
        error.Should().Be("the input device is not a TTY");
    }

    [Fact]
    public void Tty_and_no_tty_together_are_refused()
    {
        AttachMode.Decide(noTty: true, tty: true, interactive: true, detach: false, stdinIsTerminal: true, stdoutIsTerminal: true, out var error).Should().BeNull();
        error.Should().Be("--tty and --no-TTY can't be used together");
    }
}
