using System.Collections.Immutable;
using Composer.Core.Engine;
using Composer.Core.Model;

namespace Composer.Core.Planning;

/// <summary>
/// Anonymous volumes (<c>volumes: ["/data"]</c>, or a <c>VOLUME</c> of the image) belong to the service's replica,
/// not to one container: as Compose does, a recreated container mounts the volumes its predecessor had at the same
/// places, unless the new configuration puts something else there (a bind, a named volume, a tmpfs) or the user
/// asks for fresh ones (<c>up -V/--renew-anon-volumes</c>).
/// </summary>
public static class AnonymousVolumes
{
    /// <summary>An engine-named volume: 64 hexadecimal digits (a named volume has the name the file gave it).</summary>
    public static bool IsAnonymous(string volumeName) => volumeName.Length == 64 && volumeName.All(char.IsAsciiHexDigitLower);

    /// <summary><paramref name="spec"/> with <paramref name="predecessor"/>'s anonymous volumes mounted where they were.</summary>
    public static ContainerSpec Inherit(ContainerSpec spec, ObservedContainer predecessor)
    {
        var inherited = predecessor.Mounts.Where(m => IsAnonymous(m.VolumeName)).ToList();
        if (inherited.Count == 0) return spec;
        var mounts = spec.Mounts.ToList();
        foreach (var old in inherited)
        {
            var at = mounts.FindIndex(m => m.Target == old.Destination);
            if (at < 0) mounts.Add(new Mount(MountType.Volume, old.VolumeName, old.Destination)); // the image's VOLUME
            else if (mounts[at] is { Type: MountType.Volume, Source: null } declared) mounts[at] = declared with { Source = old.VolumeName };
        }
        return spec with { Mounts = [.. mounts] };
    }
}
