using System.Net;
using System.Net.Sockets;
using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Connections;

/// <summary>
/// The examples under <c>examples/</c> are what these tests run: each test copies an example's folder into its own
/// temporary project (its own project name), so the example a newcomer runs is the one that is proven.
/// </summary>
public static class Examples
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Composer.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Composer.sln above {AppContext.BaseDirectory}");
    }

    public static string Folder(string example) => Path.Combine(RepoRoot, "examples", example);

    /// <summary>A test project holding a copy of every file of the example (compose.yaml included).</summary>
    public static async Task<TestProject> CopyAsync(string example, string prefix)
    {
        var folder = Folder(example);
        var files = new Dictionary<string, string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            if (relative != "compose.yaml") files[relative] = await File.ReadAllTextAsync(file);
        }
        return await TestProject.CreateAsync(prefix, await File.ReadAllTextAsync(Path.Combine(folder, "compose.yaml")), files);
    }

    /// <summary><c>composer -p NAME args…</c> with extra environment variables (for the example's interpolation).</summary>
    public static async Task<CliResult> RunOkAsync(this TestProject project, IDictionary<string, string> env, params string[] args)
    {
        var result = await ComposerCli.RunAsync(project.Directory, ["-p", project.Name, .. args], env);
        result.ExitCode.Should().Be(0, result.ToString());
        return result;
    }

    /// <summary>Runs the example's own build-images.sh, as scripts/demo.sh does; bounded (the first run may take minutes).</summary>
    public static async Task RunBuildScriptAsync(string example)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(Folder(example), "build-images.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw new TimeoutException($"{example}/build-images.sh did not finish in 10 minutes"); }
        process.ExitCode.Should().Be(0, $"{example}/build-images.sh failed:\n{await stdout}\n{await stderr}");
    }

    /// <summary>
    /// Stops the service's container and starts it again on a different address of <paramref name="network"/>: while
    /// it is stopped, a placeholder container of this project (removed with it) takes a free address, its old one on
    /// an engine that hands out the lowest free address. Returns (old, new) addresses, which are checked to differ.
    /// Returns the placeholder's id too, for a test that wants to free its address again.
    /// </summary>
    public static async Task<(string Old, string New, string Placeholder)> RestartOnNewAddressAsync(this TestProject project, string service, string network)
    {
        var docker = await Engine.ClientAsync();
        var old = (await project.InspectAsync(service)).NetworkSettings.Networks[network].IPAddress;
        await docker.Containers.StopContainerAsync(project.ContainerName(service), new ContainerStopParameters { WaitBeforeKillSeconds = 1 });
        var placeholder = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{project.Name}-placeholder", Image = Engine.BusyboxImage, Cmd = ["sleep", "600"],
            Labels = new Dictionary<string, string> { ["com.docker.compose.project"] = project.Name },
            HostConfig = new HostConfig { NetworkMode = network, Init = true },
        });
        await docker.Containers.StartContainerAsync(placeholder.ID, new ContainerStartParameters());
        await docker.Containers.StartContainerAsync(project.ContainerName(service), new ContainerStartParameters());
        var now = (await project.InspectAsync(service)).NetworkSettings.Networks[network].IPAddress;
        now.Should().NotBe(old, $"{service} must come back on a new address for the test to mean anything");
        return (old, now, placeholder.ID);
    }

    /// <summary>A loopback TCP port nothing listens on now (and, when <paramref name="count"/> &gt; 1, the next ones too).</summary>
    public static int FreeLoopbackPort(int count = 1)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var listeners = new List<TcpListener>();
            try
            {
                var first = new TcpListener(IPAddress.Loopback, 0);
                first.Start();
                listeners.Add(first);
                var port = ((IPEndPoint)first.LocalEndpoint).Port;
                if (port + count > 65535) continue;
                for (var i = 1; i < count; i++)
                {
                    var next = new TcpListener(IPAddress.Loopback, port + i);
                    next.Start();
                    listeners.Add(next);
                }
                return port;
            }
            catch (SocketException) { }
            finally { foreach (var l in listeners) l.Stop(); }
        }
        throw new InvalidOperationException("no free loopback port range found");
    }
}
