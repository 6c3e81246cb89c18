using System.Diagnostics;
using Composer.Cli;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>
/// Issue 12, case 6: watch state (and the locks of an engine without a socket file) live in a private directory that
/// is the same whatever the environment, and nothing planted in a shared directory is followed, truncated or trusted.
/// The per-engine lock directory: <see cref="EngineLockTests"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class StateDirectoryTests
{
    private static string Scratch()
    {
        var dir = Path.Combine(Path.GetTempPath(), "composer-it", "state-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void The_private_directory_is_created_0700_and_a_too_open_one_is_closed()
    {
        var dir = Path.Combine(Scratch(), "private");
        StateDirectory.Ensure(dir);
        File.GetUnixFileMode(dir).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1FF);
        StateDirectory.Ensure(dir);
        File.GetUnixFileMode(dir).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void A_link_planted_where_the_private_directory_goes_is_refused()
    {
        var scratch = Scratch();
        var target = Path.Combine(scratch, "elsewhere");
        Directory.CreateDirectory(target);
        var planted = Path.Combine(scratch, "private");
        File.CreateSymbolicLink(planted, target);
        var act = () => StateDirectory.Ensure(planted);
        act.Should().Throw<StateDirectoryException>().WithMessage("*is a symbolic link*");
    }

    [Fact]
    public void A_directory_owned_by_someone_else_is_refused()
    {
        var dir = Path.Combine(Scratch(), "private");
        Directory.CreateDirectory(dir);
        Process.Start("chown", [$"{AsAnotherUser.Uid}:{AsAnotherUser.Uid}", dir])!.WaitForExit();
        var act = () => StateDirectory.Ensure(dir);
        act.Should().Throw<StateDirectoryException>().WithMessage($"*belongs to uid {AsAnotherUser.Uid}*");
    }

    [Fact]
    public void State_is_written_through_a_fresh_temp_file_never_through_a_planted_link()
    {
        var dir = StateDirectory.Ensure(Path.Combine(Scratch(), "private"));
        var victim = Path.Combine(Scratch(), "victim");
        File.WriteAllText(victim, "precious");
        var state = Path.Combine(dir, "p.watch.json");
        File.CreateSymbolicLink(state + ".tmp", victim);
        File.CreateSymbolicLink(state, victim);
        StateDirectory.WriteAtomically(state, "{}");
        File.ReadAllText(victim).Should().Be("precious");
        File.ReadAllText(state).Should().Be("{}");
        new FileInfo(state).LinkTarget.Should().BeNull();
    }
}
