using Docker.DotNet;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Support;

/// <summary>
/// A compose project in a temporary directory with a name of its own; disposing it removes, by label, everything
/// the project created on the engine, even when the test failed half-way.
/// </summary>
public sealed class TestProject : IAsyncDisposable
{
    public string Name { get; }
    public string Directory { get; }

    private TestProject(string name, string directory)
    {
        Name = name;
        Directory = directory;
    }

    public static async Task<TestProject> CreateAsync(string prefix, string composeYaml, IDictionary<string, string>? files = null)
    {
        await Engine.ClientAsync();
        var name = $"it-{prefix}-{Guid.NewGuid().ToString("n")[..8]}";
        var dir = Path.Combine(Path.GetTempPath(), "composer-it", name);
        System.IO.Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "compose.yaml"), composeYaml);
        foreach (var (path, text) in files ?? new Dictionary<string, string>())
        {
            var full = Path.Combine(dir, path);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, text);
        }
        return new TestProject(name, dir);
    }

    /// <summary>Runs <c>composer -p NAME args…</c> in the project directory.</summary>
    public Task<CliResult> RunAsync(params string[] args) => ComposerCli.RunAsync(Directory, ["-p", Name, .. args]);

    /// <summary>Runs <c>composer -p NAME args…</c> with <paramref name="stdin"/> as its input.</summary>
    public Task<CliResult> RunWithInputAsync(string stdin, params string[] args) => ComposerCli.RunAsync(Directory, ["-p", Name, .. args], stdin: stdin);

    public async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        result.ExitCode.Should().Be(0, result.ToString());
        return result;
    }

    public string ContainerName(string service, int number = 1) => $"{Name}-{service}-{number}";

    public async Task<ContainerInspectResponse> InspectAsync(string service, int number = 1) =>
        await (await Engine.ClientAsync()).Containers.InspectContainerAsync(ContainerName(service, number));

    /// <summary>SIGKILL from the host: to the engine, the container died by itself (not a kill through its API, which watch leaves alone).</summary>
    public static void KillFromHost(long pid) => System.Diagnostics.Process.GetProcessById((int)pid).Kill();

    /// <summary>Crashes a service's container: <see cref="KillFromHost"/> of its process.</summary>
    public async Task CrashAsync(string service, int number = 1) => KillFromHost((await InspectAsync(service, number)).State.Pid);

    public async Task<IList<ContainerListResponse>> ContainersAsync()
    {
        var client = await Engine.ClientAsync();
        return await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = Engine.ProjectFilter(Name) });
    }

    /// <summary>The container's combined output so far.</summary>
    public async Task<string> LogsAsync(string service, int number = 1)
    {
        var client = await Engine.ClientAsync();
        using var stream = await client.Containers.GetContainerLogsAsync(ContainerName(service, number), new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        return stdout + stderr;
    }

    /// <summary>Runs a command inside a running container and returns its output and exit code.</summary>
    public async Task<(long ExitCode, string Output)> ExecAsync(string service, params string[] command)
    {
        var client = await Engine.ClientAsync();
        var exec = await client.Exec.CreateContainerExecAsync(ContainerName(service), new ContainerExecCreateParameters
        {
            Cmd = command, AttachStdout = true, AttachStderr = true,
        });
        using (var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), CancellationToken.None))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            var inspect = await client.Exec.InspectContainerExecAsync(exec.ID);
            return (inspect.ExitCode ?? -1, stdout + stderr);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.RemoveProjectAsync(Name);
        // What `composer watch` recorded for `ps` lives outside the project folder.
        try { File.Delete(Path.Combine(Composer.Cli.StateDirectory.Path, Name + ".watch.json")); } catch (IOException) { }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
