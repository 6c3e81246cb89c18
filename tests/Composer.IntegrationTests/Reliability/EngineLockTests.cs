using System.Diagnostics;
using System.Net.Sockets;
using Composer.Cli;
using Composer.Core.IO;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>
/// Issue 12, the lock: one lock directory per engine (from its socket's device and inode), shared by the socket's
/// group with mode 1770, so composers of any user and any environment serialise on one engine; nothing planted there
/// is followed or written. Directory rules are checked against sockets of the test's own (no engine behind them: only
/// the socket file names the directory); serialisation between processes and users against the real engine.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class EngineLockTests : IDisposable
{
    private const uint SocketGroup = 105; // the test machine's docker group; any group would do for the fake sockets
    private readonly List<string> _made = [];
    private readonly List<Socket> _sockets = [];

    private static string Scratch()
    {
        var dir = Path.Combine(Path.GetTempPath(), "composer-it", "lock-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A unix socket file of our own (group <see cref="SocketGroup"/>): an "engine" whose lock directory no one else uses.</summary>
    private Uri FakeEngine(string? path = null)
    {
        path ??= Path.Combine(Scratch(), "engine.sock");
        // Kept open to the end: disposing a bound socket removes its file.
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        UnixFile.SetGroup(path, SocketGroup);
        var endpoint = new Uri("unix://" + path);
        _made.Add(EngineLockDirectory.For(endpoint).Path);
        return endpoint;
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
        foreach (var dir in _made)
        {
            try
            {
                if (UnixFile.Lstat(dir) is { Kind: UnixFileKind.Symlink }) File.Delete(dir);
                else if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
        }
    }

    private static void Chown(string path, string owner) => Process.Start("chown", ["-h", owner, path])!.WaitForExit();

    private static string Name() => "it-elock-" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public void The_directory_is_named_by_the_socket_and_shared_by_its_group_with_mode_1770()
    {
        var engine = FakeEngine();
        var holder = UnixFile.Stat(Path.GetDirectoryName(engine.LocalPath)!)!.Value;
        var made = EngineLockDirectory.Ensure(engine);
        made.Shared.Should().BeTrue();
        made.Path.Should().Be($"/tmp/composer-engine-{holder.Device}-{holder.Inode}-engine.sock");
        var status = UnixFile.Lstat(made.Path)!.Value;
        status.Kind.Should().Be(UnixFileKind.Directory);
        status.Owner.Should().Be(0u);
        status.Group.Should().Be(SocketGroup);
        Convert.ToString(status.Permissions, 8).Should().Be("1770");

        // The same engine through another path (a link to its socket) is the same directory.
        var link = Path.Combine(Scratch(), "alias.sock");
        File.CreateSymbolicLink(link, engine.LocalPath);
        EngineLockDirectory.For(new Uri("unix://" + link)).Path.Should().Be(made.Path);
        // And through a link to the directory above it.
        var linkedDirectory = Path.Combine(Scratch(), "run");
        File.CreateSymbolicLink(linkedDirectory, Path.GetDirectoryName(engine.LocalPath)!);
        EngineLockDirectory.For(new Uri("unix://" + Path.Combine(linkedDirectory, "engine.sock"))).Path.Should().Be(made.Path);
    }

    [Fact]
    public void An_engine_that_restarts_and_makes_its_socket_anew_keeps_its_lock_directory()
    {
        var engine = FakeEngine();
        var before = EngineLockDirectory.For(engine).Path;
        var inode = UnixFile.Stat(engine.LocalPath)!.Value.Inode;
        // The new socket is made beside the old one (so it surely has another inode), then takes its name.
        FakeEngine(engine.LocalPath + ".new");
        _sockets[0].Dispose(); // removes the old socket file, as a stopping engine does
        File.Move(engine.LocalPath + ".new", engine.LocalPath);
        UnixFile.Stat(engine.LocalPath)!.Value.Inode.Should().NotBe(inode, "a new socket file");
        EngineLockDirectory.For(engine).Path.Should().Be(before);
    }

    [Fact]
    public void Lock_files_are_opened_read_only_and_readable_by_the_group()
    {
        var engine = FakeEngine();
        var name = Name();
        using (ProjectLock.TryAcquire(name, [engine]).Should().NotBeNull().And.Subject as IDisposable)
        {
            ProjectLock.TryAcquire(name, [engine]).Should().BeNull("the lock is held");
        }
        var file = UnixFile.Lstat(ProjectLock.PathFor(name, engine))!.Value;
        file.Kind.Should().Be(UnixFileKind.Regular);
        Convert.ToString(file.Permissions, 8).Should().Be("644", "other users of the engine open it to lock it, whatever the umask");
        using var again = ProjectLock.TryAcquire(name, [engine]);
        again.Should().NotBeNull("the lock is free once released");
    }

    [Fact]
    public void A_link_planted_where_the_directory_goes_is_refused_and_nothing_is_made_through_it()
    {
        var engine = FakeEngine();
        var target = Scratch();
        File.CreateSymbolicLink(EngineLockDirectory.For(engine).Path, target);
        var act = () => ProjectLock.TryAcquire(Name(), [engine]);
        act.Should().Throw<StateDirectoryException>().WithMessage($"{EngineLockDirectory.For(engine).Path} is a symbolic link*");
        Directory.EnumerateFileSystemEntries(target).Should().BeEmpty();
    }

    /// <summary>Plants a directory where the fake engine's goes, and expects it refused with <paramref name="message"/> and left empty.</summary>
    private void PlantedDirectoryShouldBeRefused(uint mode, string owner, Func<string, string> message)
    {
        var engine = FakeEngine();
        var dir = EngineLockDirectory.For(engine).Path;
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)mode);
        Chown(dir, owner);
        var act = () => ProjectLock.TryAcquire(Name(), [engine]);
        act.Should().Throw<StateDirectoryException>().WithMessage(message(dir));
        Directory.EnumerateFileSystemEntries(dir).Should().BeEmpty();
    }

    [Fact]
    public void A_directory_owned_by_another_user_is_refused() =>
        PlantedDirectoryShouldBeRefused(0x3F8, $"{AsAnotherUser.Uid}:{SocketGroup}", dir => $"{dir} belongs to uid {AsAnotherUser.Uid}*");

    [Theory]
    [InlineData(0x1FF, SocketGroup, "777")] // open to everyone: anyone may have planted anything
    [InlineData(0x3F8, 0u, "1770")]         // the right mode, but not the engine's group
    public void A_directory_with_the_wrong_mode_or_group_is_refused(uint mode, uint group, string shownMode) =>
        PlantedDirectoryShouldBeRefused(mode, $"0:{group}", dir => $"{dir} has group {group} and mode {shownMode}, not the engine socket's group {SocketGroup} and mode 1770*");

    [Fact]
    public void A_lock_file_replaced_by_a_link_or_a_pipe_is_refused_and_nothing_is_written()
    {
        var engine = FakeEngine();
        var dir = EngineLockDirectory.Ensure(engine).Path;
        var victim = Path.Combine(Scratch(), "victim");
        File.WriteAllText(victim, "precious");
        var linked = Name();
        File.CreateSymbolicLink(Path.Combine(dir, linked + ".lock"), victim);
        var dangling = Name();
        var wouldBeMade = Path.Combine(Scratch(), "made-by-root");
        File.CreateSymbolicLink(Path.Combine(dir, dangling + ".lock"), wouldBeMade);
        var pipe = Name();
        Process.Start("mkfifo", [Path.Combine(dir, pipe + ".lock")])!.WaitForExit();

        foreach (var name in (string[])[linked, dangling])
        {
            var act = () => ProjectLock.TryAcquire(name, [engine]);
            act.Should().Throw<StateDirectoryException>().WithMessage($"lock {dir}/{name}.lock is a symbolic link*");
        }
        var viaPipe = () => ProjectLock.TryAcquire(pipe, [engine]);
        viaPipe.Should().Throw<StateDirectoryException>().WithMessage("*is a named pipe*");
        File.ReadAllText(victim).Should().Be("precious");
        File.Exists(wouldBeMade).Should().BeFalse();
    }

    [Fact]
    public void Another_users_lock_file_in_the_shared_directory_is_locked_without_a_byte_written()
    {
        var engine = FakeEngine();
        var dir = EngineLockDirectory.Ensure(engine).Path;
        var name = Name();
        var path = Path.Combine(dir, name + ".lock");
        File.WriteAllText(path, "theirs");
        Chown(path, $"{AsAnotherUser.Uid}:{SocketGroup}");
        var before = File.GetLastWriteTimeUtc(path);
        using (var held = ProjectLock.TryAcquire(name, [engine]))
        {
            held.Should().NotBeNull();
            ProjectLock.TryAcquire(name, [engine]).Should().BeNull("whoever made the file, it is the one lock");
        }
        File.ReadAllText(path).Should().Be("theirs");
        File.GetLastWriteTimeUtc(path).Should().Be(before);
        UnixFile.Lstat(path)!.Value.Owner.Should().Be((uint)AsAnotherUser.Uid);
    }

    [Fact]
    public void An_engine_without_a_socket_file_locks_in_the_private_directory_refusing_another_users_file()
    {
        var tcp = new Uri("tcp://127.0.0.1:2375");
        var name = Name();
        EngineLockDirectory.For(tcp).Should().Be(new EngineLockDirectory(StateDirectory.Path, Shared: false));
        StateDirectory.Ensure();
        var path = ProjectLock.PathFor(name, tcp);
        File.WriteAllText(path, "theirs");
        Chown(path, $"{AsAnotherUser.Uid}:{AsAnotherUser.Uid}");
        try
        {
            var act = () => ProjectLock.TryAcquire(name, [tcp]);
            act.Should().Throw<StateDirectoryException>().WithMessage($"lock {path} belongs to uid {AsAnotherUser.Uid}*");
            File.ReadAllText(path).Should().Be("theirs");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_project_on_several_engines_holds_each_engines_lock_taken_in_a_fixed_order()
    {
        var (one, two) = (FakeEngine(), FakeEngine());
        var name = Name();
        ProjectLock.PathsFor(name, [two, one]).Should().Equal(ProjectLock.PathsFor(name, [one, two]));
        ProjectLock.PathsFor(name, [two, one]).Should().BeInAscendingOrder(StringComparer.Ordinal);
        using (var both = ProjectLock.TryAcquire(name, [two, one]))
        {
            both.Should().NotBeNull();
            ProjectLock.TryAcquire(name, [one]).Should().BeNull();
            ProjectLock.TryAcquire(name, [two]).Should().BeNull();
        }
        using (var first = ProjectLock.TryAcquire(name, [one]))
        {
            ProjectLock.TryAcquire(name, [one, two]).Should().BeNull("one of the engines is held");
            using var second = ProjectLock.TryAcquire(name, [two]);
            second.Should().NotBeNull("a failed try holds nothing");
        }
    }

    /// <summary>Runs composer in the background as <paramref name="uid"/>:<paramref name="gid"/> (no other groups), or as root.</summary>
    internal static (Process Process, Task<string> Waiting, System.Text.StringBuilder Stderr) StartComposer(string dir, string[] args, int? uid = null, uint? gid = null, IDictionary<string, string>? env = null)
    {
        var composer = ComposerBinary.StartInfo(dir, args);
        var psi = composer;
        if (uid is { } u)
        {
            psi = new ProcessStartInfo("setpriv") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[$"--reuid={u}", $"--regid={gid}", "--clear-groups", composer.FileName, .. composer.ArgumentList]) psi.ArgumentList.Add(a);
            psi.Environment["HOME"] = "/tmp";
            psi.Environment["DOTNET_CLI_HOME"] = "/tmp";
        }
        psi.RedirectStandardInput = true;
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        var waiting = new TaskCompletionSource<string>();
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("Waiting for another composer")) waiting.TrySetResult(e.Data);
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.Close();
        return (process, waiting.Task, stderr);
    }

    /// <summary>Holds <paramref name="held"/> until the composer says it waits for it, releases it, and expects the composer to finish.</summary>
    internal static async Task ShouldWaitThenFinish((Process Process, Task<string> Waiting, System.Text.StringBuilder Stderr) composer, IDisposable held, string lockPath)
    {
        var (process, waiting, stderr) = composer;
        try
        {
            try { (await waiting.WaitAsync(Eventually.DefaultDeadline)).Should().Contain(lockPath); }
            catch (TimeoutException) { throw new TimeoutException($"composer did not wait for the lock; stderr:\n{stderr}"); }
            process.HasExited.Should().BeFalse();
            held.Dispose();
            await process.WaitForExitAsync(new CancellationTokenSource(Eventually.DefaultDeadline).Token);
            process.ExitCode.Should().Be(0, stderr.ToString());
        }
        finally
        {
            held.Dispose();
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }

    [Fact]
    public async Task Another_user_in_the_engines_group_waits_for_roots_lock_and_root_for_theirs()
    {
        var socket = UnixFile.Stat(Docker.DockerEngine.DefaultEndpoint!.LocalPath) ?? throw new InvalidOperationException("no engine socket: run scripts/engine.sh");
        var dir = Scratch();
        var name = Name();
        var path = ProjectLock.PathFor(name);
        try
        {
            // Theirs first: the lock file is made by the other user; root locks it as it is.
            var first = await AsAnotherUser.RunAsync(dir, ["-p", name, "down"], gid: socket.Group);
            first.ExitCode.Should().Be(0, first.ToString());
            UnixFile.Lstat(path)!.Value.Owner.Should().Be((uint)AsAnotherUser.Uid);
            var held = ProjectLock.TryAcquire(name) ?? throw new InvalidOperationException("lock not free");
            await ShouldWaitThenFinish(StartComposer(dir, ["-p", name, "down"], AsAnotherUser.Uid, socket.Group), held, path);

            // Root waits for the other user's composer in turn (held here through a process of theirs: flock(1)).
            var theirs = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var a in (string[])[$"--reuid={AsAnotherUser.Uid}", $"--regid={socket.Group}", "--clear-groups", "flock", "-x", path, "-c", "echo locked; read line"]) theirs.ArgumentList.Add(a);
            using var holder = Process.Start(theirs)!;
            (await holder.StandardOutput.ReadLineAsync().WaitAsync(Eventually.DefaultDeadline)).Should().Be("locked");
            var release = new Releaser(holder);
            await ShouldWaitThenFinish(StartComposer(dir, ["-p", name, "down"]), release, path);
        }
        finally { File.Delete(path); }
    }

    /// <summary>Ends a holder process (closing its input ends its <c>read</c>).</summary>
    private sealed class Releaser(Process holder) : IDisposable
    {
        public void Dispose()
        {
            if (holder.HasExited) return;
            holder.StandardInput.Close();
            holder.WaitForExit(10_000);
        }
    }

    [Fact]
    public async Task Composers_with_different_environments_serialise_on_one_engine()
    {
        var dir = Scratch();
        var name = Name();
        var held = ProjectLock.TryAcquire(name) ?? throw new InvalidOperationException("lock not free");
        var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = dir, ["TMPDIR"] = dir, ["HOME"] = dir };
        try
        {
            await ShouldWaitThenFinish(StartComposer(dir, ["-p", name, "down"], env: env), held, ProjectLock.PathFor(name));
        }
        finally { File.Delete(ProjectLock.PathFor(name)); }
    }

    [Fact]
    public async Task A_killed_composer_does_not_block_the_next()
    {
        await using var project = await TestProject.CreateAsync("lockkill", "services:\n  a:\n    image: composer-busybox:1\n    command: [\"sleep\", \"300\"]\n    init: true\n");
        var key = project.Name + ".watch";
        await using (var watch = Reconciler.ComposerProcess.Start(project, "watch"))
        {
            // Killed once its first resync is done: a kill during it leaves create requests the engine finishes after
            // the test's cleanup has listed the project (a network was left behind that way).
            await watch.WaitForLineAsync(l => l.Contains("container(s) running"), "watch to finish its first resync");
            ProjectLock.TryAcquire(key).Should().BeNull("the running watch holds its lock");
            watch.Kill();
            await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        using (var after = ProjectLock.TryAcquire(key)) after.Should().NotBeNull("the kernel released the killed composer's lock");
        var again = await project.RunAsync("down");
        again.ExitCode.Should().Be(0, again.ToString());
        File.Delete(ProjectLock.PathFor(key));
        File.Delete(ProjectLock.PathFor(project.Name));
    }
}
