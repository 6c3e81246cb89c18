using Composer.Core.Engine;
using Composer.Core.Model;
using Composer.Docker;

namespace Composer.IntegrationTests.Hosts;

/// <summary>The adapter's volume and image copies between two real engines of the host lab (hostA → hostB).</summary>
[Collection("hostlab")]
public sealed class EngineTransferAcrossHostsTests
{
    [Fact]
    public async Task A_named_volume_and_an_image_go_from_hostA_to_hostB_through_the_engine_API()
    {
        var project = $"it-xfer-{Guid.NewGuid().ToString("n")[..8]}";
        var label = $"com.docker.compose.project={project}";
        var tag = $"composer-transfer-test:{project}";
        using var a = DockerEngine.Connect(new HostSpec { Name = "a", Endpoint = HostLab.Socket("hostA") });
        using var b = DockerEngine.Connect(new HostSpec { Name = "b", Endpoint = HostLab.Socket("hostB") });
        try
        {
            (await HostLab.DockerAsync("hostA", "volume", "create", "--label", label, $"{project}_data")).Exit.Should().Be(0);
            (await HostLab.DockerAsync("hostA", "run", "--rm", "--label", label, "-v", $"{project}_data:/data", "composer-busybox:1",
                "sh", "-c", "mkdir -p /data/dir && echo hello > /data/dir/file && chown 1000:1000 /data/dir/file")).Exit.Should().Be(0);
            (await HostLab.DockerAsync("hostB", "volume", "create", "--label", label, $"{project}_data")).Exit.Should().Be(0);

            await EngineTransfers.CopyVolumeAsync(a, b, $"{project}_data", $"{project}_data", "composer-busybox:1", CancellationToken.None);

            var read = await HostLab.DockerAsync("hostB", "run", "--rm", "--label", label, "-v", $"{project}_data:/data", "composer-busybox:1",
                "sh", "-c", "cat /data/dir/file; stat -c %u /data/dir/file");
            read.Output.Should().Be("hello\n1000\n");

            (await HostLab.DockerAsync("hostA", "tag", "composer-busybox:1", tag)).Exit.Should().Be(0);
            (await b.ImageAsync(tag, CancellationToken.None)).Should().BeNull();
            await EngineTransfers.CopyImageAsync(a, b, tag, CancellationToken.None);
            (await b.ImageAsync(tag, CancellationToken.None)).Should().NotBeNull();
        }
        finally
        {
            await HostLab.RemoveProjectAsync(project);
            await HostLab.DockerAsync("hostA", "rmi", tag);
            await HostLab.DockerAsync("hostB", "rmi", tag);
        }
    }
}
