using System.Text.RegularExpressions;
using Composer.Core.Engine;
using Composer.Docker;
using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.MultiHost;

/// <summary>
/// The adapter's primitives for moving a service between engines, on the real engine: a running ambassador
/// re-pointed by a file written through the archive API, a named volume's content copied through helper containers,
/// an image carried by save/load. Two adapter instances stand for the two engines (the calls are the same across
/// hosts; the multi-host tests run them between lab engines). Traffic: the project's own containers only.
/// </summary>
public class EngineTransferTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static string File(string ambassadorImage) => $$"""
        x-svc: &svc
          image: composer-busybox:1
          init: true
          stop_grace_period: 1s
        services:
          one:
            <<: *svc
            command: ["sh", "-c", "echo one > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
          two:
            <<: *svc
            command: ["sh", "-c", "echo two > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]
          amb:
            image: {{ambassadorImage}}
            environment: { AMBASSADOR_TARGET: "one:80", AMBASSADOR_RETRY_FOR: "30s" }
          writer:
            <<: *svc
            command: ["sh", "-c", "mkdir -p /data/dir && echo hello > /data/dir/file && chown 1000:1000 /data/dir/file && chmod 640 /data/dir/file && exec sleep 3600"]
            volumes: [data:/data]
          reader:
            <<: *svc
            command: ["sleep", "3600"]
            volumes: [copy:/copy]
        volumes:
          data: {}
          copy: {}
        """;

    [Fact]
    public async Task A_running_ambassador_is_re_pointed_and_a_held_connection_waits_for_the_new_target()
    {
        var image = await AmbassadorImageAsync();
        await using var p = await TestProject.CreateAsync("transfer-amb", File(image));
        await p.RunOkAsync("up", "-d", "one", "two", "amb", "reader");
        using var engine = DockerEngine.Connect();
        (await Fetch(p, "amb")).Should().Be("one");
        var started = (await p.InspectAsync("amb")).State.StartedAt;

        await engine.WriteFilesAsync(p.ContainerName("amb"), [Repoint("two:80")], CancellationToken.None);
        await Eventually.Until(() => Fetch(p, "amb"), a => a == "two", "the ambassador to send new connections to two", Deadline);
        (await p.InspectAsync("amb")).State.StartedAt.Should().Be(started, "re-pointed without a restart");
        (await p.LogsAsync("amb")).Should().Contain("target now two:80");

        await engine.WriteFilesAsync(p.ContainerName("amb"), [Repoint("hold")], CancellationToken.None);
        // The file is read when a connection comes: this one finds "hold" and waits.
        var held = Fetch(p, "amb", timeoutSeconds: 40);
        await Eventually.Until(() => p.LogsAsync("amb"), l => l.Contains("held until a target is set"), "a connection to be held", Deadline);
        held.IsCompleted.Should().BeFalse();
        await engine.WriteFilesAsync(p.ContainerName("amb"), [Repoint("one:80")], CancellationToken.None);
        (await held.WaitAsync(Deadline)).Should().Be("one", "the held connection goes to the new target");
    }

    [Fact]
    public async Task A_named_volume_is_copied_between_engines_through_helper_containers_and_an_image_by_save_and_load()
    {
        await using var p = await TestProject.CreateAsync("transfer-vol", File("composer-busybox:1"));
        await p.RunOkAsync("up", "-d", "writer", "reader");
        await Eventually.Until(() => p.ExecAsync("writer", "cat", "/data/dir/file"), r => r.Output.Trim() == "hello", "the writer to fill its volume", Deadline);
        using var from = DockerEngine.Connect();
        using var to = DockerEngine.Connect();

        await EngineTransfers.CopyVolumeAsync(from, to, $"{p.Name}_data", $"{p.Name}_copy", Engine.BusyboxImage, CancellationToken.None);

        var copied = await p.ExecAsync("reader", "sh", "-c", "cat /copy/dir/file; stat -c '%u:%g %a' /copy/dir/file");
        copied.Output.Should().Be("hello\n1000:1000 640\n", "content, owner and mode come across");
        var client = await Engine.ClientAsync();
        var helpers = await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerEngine.HelperLabel}.volume={p.Name}_data"] = true } },
        });
        helpers.Should().BeEmpty("helper containers are removed after the copy");

        var tag = $"composer-transfer-test:{p.Name}";
        await client.Images.TagImageAsync(Engine.BusyboxImage, new ImageTagParameters { RepositoryName = "composer-transfer-test", Tag = p.Name });
        try
        {
            using var saved = new MemoryStream();
            await from.ExportImageAsync(tag, async (s, ct) => await s.CopyToAsync(saved, ct), CancellationToken.None);
            await Engine.RemoveImageAsync(tag);
            (await to.ImageAsync(tag, CancellationToken.None)).Should().BeNull();
            saved.Position = 0;
            await to.ImportImageAsync(saved, CancellationToken.None);
            (await to.ImageAsync(tag, CancellationToken.None)).Should().NotBeNull("the load brings the tag back");
        }
        finally
        {
            await Engine.RemoveImageAsync(tag);
        }
    }

    private static InjectedFile Repoint(string target) =>
        new("/run/composer-ambassador/target", target + "\n", Mode: 0x1A4 /* 0644 */);

    private static async Task<string> Fetch(TestProject p, string host, int timeoutSeconds = 10) =>
        (await p.ExecAsync("reader", "timeout", $"{timeoutSeconds}", "wget", "-qO-", $"http://{host}/")).Output.Trim();

    /// <summary>Builds the ambassador from this tree and returns its content tag (composer-ambassador:1 may be another tree's).</summary>
    private static async Task<string> AmbassadorImageAsync()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [Path.Combine(Examples.RepoRoot, "scripts", "ambassador-image.sh")])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(cts.Token);
        var log = await stderr;
        process.ExitCode.Should().Be(0, log);
        return Regex.Match(log, @"\((composer-ambassador:[0-9a-f]+)\)").Groups[1].Value is { Length: > 0 } tag ? tag
            : throw new InvalidOperationException($"no image tag in the build's output:\n{log}");
    }
}
