using System.Diagnostics;
using System.Net.Sockets;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>
/// Issue 12, cases 3 to 5: files and names a user (or an attacker) may hand composer end with a message and exit 1
/// or 2, promptly: never a stack trace, never unbounded memory or time, never a silent wait.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class HostileInputTests
{
    private static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "composer-it", "hostile-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void ShouldBeAMessage(CliResult result, int exitCode, string says)
    {
        result.ExitCode.Should().Be(exitCode, result.ToString());
        result.Stderr.Should().Contain(says, result.ToString());
        result.Stderr.Should().NotContain("   at ", "a failure is a message, not a stack trace");
        result.Stderr.Should().NotContain("Exception", "a failure is a message, not a stack trace");
    }

    [Theory]
    [InlineData("/dev/zero", "is a character device")]
    [InlineData("/dev/urandom", "is a character device")]
    public async Task A_device_given_as_compose_file_is_refused_before_reading(string device, string says)
    {
        var dir = NewDirectory();
        var result = await ComposerCli.RunAsync(dir, ["-p", "hostile", "-f", device, "config", "-q"], timeout: TimeSpan.FromSeconds(60));
        ShouldBeAMessage(result, 2, says);
    }

    [Fact]
    public async Task A_directory_given_as_compose_file_says_it_is_a_directory()
    {
        var dir = NewDirectory();
        var result = await ComposerCli.RunAsync(dir, ["-p", "hostile", "-f", dir, "config", "-q"]);
        ShouldBeAMessage(result, 2, "is a directory");
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_refused()
    {
        var dir = NewDirectory();
        var file = Path.Combine(dir, "compose.yaml");
        await using (var writer = File.CreateText(file))
        {
            await writer.WriteAsync("services:\n  a:\n    image: composer-busybox:1\n    labels:\n");
            for (var i = 0; writer.BaseStream.Length < 11 * 1024 * 1024; i++) await writer.WriteAsync($"      l{i}: \"{new string('x', 200)}\"\n");
        }
        var result = await ComposerCli.RunAsync(dir, ["-p", "hostile", "config", "-q"]);
        ShouldBeAMessage(result, 2, "more than the 10 MB");
    }

    [Fact]
    public async Task A_compose_file_the_user_cannot_read_says_permission_denied()
    {
        var dir = NewDirectory();
        var file = Path.Combine(dir, "compose.yaml");
        await File.WriteAllTextAsync(file, "services:\n  a:\n    image: composer-busybox:1\n");
        File.SetUnixFileMode(file, UnixFileMode.None);
        var result = await AsAnotherUser.RunAsync(dir, ["-p", "hostile", "-f", file, "config", "-q"]);
        ShouldBeAMessage(result, 2, "permission denied");
    }

    [Fact]
    public async Task Deeply_nested_interpolation_defaults_are_bounded()
    {
        var dir = NewDirectory();
        const int levels = 20_000;
        await File.WriteAllTextAsync(Path.Combine(dir, "compose.yaml"),
            $"services:\n  a:\n    image: \"{string.Concat(Enumerable.Repeat("${X:-", levels))}v{new string('}', levels)}\"\n");
        var result = await ComposerCli.RunAsync(dir, ["-p", "hostile", "config", "-q"], timeout: TimeSpan.FromSeconds(60));
        ShouldBeAMessage(result, 2, "nested more than 32 levels");
    }

    [Theory]
    [InlineData("up", "-d")]
    [InlineData("down", null)]
    public async Task An_over_long_project_name_is_refused_not_waited_for(string command, string? flag)
    {
        var dir = NewDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir, "compose.yaml"), "services:\n  a:\n    image: composer-busybox:1\n");
        string[] args = flag is null ? ["-p", new string('a', 251), command] : ["-p", new string('a', 251), command, flag];
        var result = await ComposerCli.RunAsync(dir, args, timeout: TimeSpan.FromSeconds(60));
        ShouldBeAMessage(result, 2, "more than the 128 allowed");
    }

    [Fact]
    public async Task A_lock_path_that_is_a_directory_is_a_message()
    {
        var dir = NewDirectory();
        var name = "it-lockdir-" + Guid.NewGuid().ToString("n")[..8];
        await File.WriteAllTextAsync(Path.Combine(dir, "compose.yaml"), "services:\n  a:\n    image: composer-busybox:1\n");
        Composer.Cli.EngineLockDirectory.Ensure(Composer.Docker.DockerEngine.DefaultEndpoint);
        var lockPath = Composer.Cli.ProjectLock.PathFor(name);
        Directory.CreateDirectory(lockPath);
        try
        {
            var result = await ComposerCli.RunAsync(dir, ["-p", name, "down"], timeout: TimeSpan.FromSeconds(60));
            ShouldBeAMessage(result, 1, lockPath);
        }
        finally { Directory.Delete(lockPath); }
    }

    [Fact]
    public async Task An_engine_that_accepts_and_never_answers_is_reported_within_the_timeout()
    {
        var dir = NewDirectory();
        var socketPath = Path.Combine(dir, "silent.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(16);
        var accepted = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try { while (true) accepted.Add(await listener.AcceptAsync(stop.Token)); }
            catch (OperationCanceledException) { }
        });
        try
        {
            var result = await ComposerCli.RunAsync(dir, ["-p", "hostile", "ls"],
                env: new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{socketPath}", ["COMPOSER_ENGINE_TIMEOUT"] = "2" },
                timeout: TimeSpan.FromSeconds(60));
            ShouldBeAMessage(result, 1, $"the Docker engine at unix://{socketPath} did not answer within 2 s");
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            foreach (var s in accepted) s.Dispose();
        }
    }

    [Fact]
    public async Task A_socket_the_user_may_not_open_says_permission_denied_and_how_to_fix_it()
    {
        var dir = NewDirectory();
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ED); // 0755: nobody may enter, but not open the socket
        var socketPath = Path.Combine(dir, "private.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);
        File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var result = await AsAnotherUser.RunAsync(dir, ["-p", "hostile", "ls"], new Dictionary<string, string> { ["DOCKER_HOST"] = $"unix://{socketPath}" });
        ShouldBeAMessage(result, 1, "permission denied while trying to connect to the Docker engine");
        result.Stderr.Should().Contain("usermod -aG docker");
    }
}
