using System.Globalization;
using Composer.Core.Engine;
using Docker.DotNet.Models;

namespace Composer.Docker;

/// <summary>
/// Moving state between engines through the Engine API only: the archive API of a helper container that mounts the
/// volume (created, never started, so it runs nothing and needs no shell), and image save/load.
/// </summary>
public sealed partial class DockerEngine : IEngineTransfer
{
    /// <summary>Where a helper container mounts the volume; the tar's entries are rooted at this name.</summary>
    private const string VolumeMount = "/composer-volume";
    /// <summary>Marks helper containers, so one left behind by a crash can be found and removed by label.</summary>
    public const string HelperLabel = "io.composer.helper";

    public async Task WriteFilesAsync(string container, IReadOnlyList<InjectedFile> files, CancellationToken cancellationToken)
    {
        using var archive = ContainerParameters.Archive(files);
        await Call(() => _client.Containers.ExtractArchiveToContainerAsync(container, new CopyToContainerParameters { Path = "/" }, archive, cancellationToken),
            $"write {string.Join(", ", files.Select(f => f.Path))} into container {container}").ConfigureAwait(false);
    }

    public Task ExportVolumeAsync(string volume, string helperImage, Func<Stream, CancellationToken, Task> read, CancellationToken cancellationToken) =>
        WithVolumeHelperAsync(volume, helperImage, async helper =>
        {
            var archive = await Call(() => _client.Containers.GetArchiveFromContainerAsync(helper, new ContainerPathStatParameters { Path = VolumeMount }, false, cancellationToken),
                $"read volume {volume}").ConfigureAwait(false);
            var stream = archive.Stream ?? throw new EngineException($"read volume {volume}: the engine sent no archive");
            await using (stream.ConfigureAwait(false))
                await read(stream, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    public Task ImportVolumeAsync(string volume, string helperImage, Stream content, CancellationToken cancellationToken) =>
        WithVolumeHelperAsync(volume, helperImage, helper =>
            Call(() => _client.Containers.ExtractArchiveToContainerAsync(helper, new CopyToContainerParameters { Path = "/" }, content, cancellationToken),
                $"write volume {volume}"), cancellationToken);

    public async Task ExportImageAsync(string image, Func<Stream, CancellationToken, Task> read, CancellationToken cancellationToken)
    {
        var stream = await Call(() => _client.Images.SaveImageAsync(image, cancellationToken), $"save image {image}").ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            await read(stream, cancellationToken).ConfigureAwait(false);
    }

    public async Task ImportImageAsync(Stream content, CancellationToken cancellationToken)
    {
        var errors = new LoadErrors();
        await Call(() => _client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, content, errors, cancellationToken), $"load an image into {Where}").ConfigureAwait(false);
        if (errors.First is { } error) throw new EngineException($"could not load an image into {Where}: {error}");
    }

    private async Task WithVolumeHelperAsync(string volume, string helperImage, Func<string, Task> use, CancellationToken cancellationToken)
    {
        var name = "composer-volume-helper-" + Guid.NewGuid().ToString("N")[..12];
        var created = await Call(() => _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = helperImage,
            // Never started: an entrypoint is only needed to make the create valid for any image.
            Entrypoint = ["/composer-volume-helper"],
            Labels = new Dictionary<string, string> { [HelperLabel] = "volume", [HelperLabel + ".volume"] = volume },
            NetworkDisabled = true,
            HostConfig = new HostConfig { Binds = [$"{volume}:{VolumeMount}"], NetworkMode = "none" },
        }, cancellationToken), $"create a helper container for volume {volume} from image {helperImage}").ConfigureAwait(false);
        try
        {
            await use(created.ID).ConfigureAwait(false);
        }
        finally
        {
            // Removed even when the copy was cancelled: never leave a helper behind.
            await IgnoreNotFound(() => _client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None),
                string.Create(CultureInfo.InvariantCulture, $"remove helper container {name}")).ConfigureAwait(false);
        }
    }
}
