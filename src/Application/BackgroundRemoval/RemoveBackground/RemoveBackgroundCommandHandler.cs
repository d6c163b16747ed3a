using FapiHub.Application.Abstractions.BackgroundRemoval;
using FapiHub.Application.Abstractions.Imaging;
using FapiHub.Domain.BackgroundRemoval;
using FapiHub.Domain.Common;
using FapiHub.Domain.Errors;
using Mediator;

namespace FapiHub.Application.BackgroundRemoval.RemoveBackground;

/// <summary>
/// Read the size → bound the output → wait for a turn → decode → predict the matte → decontaminate (models that
/// ask) → render (compose the effect, crop, encode). The same path for every endpoint of every protocol: the command
/// arrives typed and validated. The request was admitted by its protocol's edge before its upload was read (the story: <see cref="IInferenceScheduler"/>).
/// </summary>
internal sealed class RemoveBackgroundCommandHandler(
    IImageProcessor images,
    IBackgroundRemover remover,
    IInferenceScheduler scheduler)
    : ICommandHandler<RemoveBackgroundCommand, Result<ProcessedImage>>
{
    public async ValueTask<Result<ProcessedImage>> Handle(RemoveBackgroundCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (model, effect, output) = (command.Model, command.Effect, command.Output);

        // The header tells the size: a file that is no image (or too large) is refused without waiting for a turn,
        // and the turn accounts for how much memory this photo will hold once decoded.
        var size = images.Probe(command.Image);
        if (!size.IsSuccess)
        {
            return size.Error!;
        }

        // Every output is bounded, not only the upload: a shadow grows the canvas by up to ~1,300 px a side (and a crop
        // margin that pads past the photo by up to 500 px or half the subject a side), so a thin,
        // very long photo well inside the limit could ask for hundreds of megapixels. The largest canvas any subject
        // could need is known from the header and the fields alone, so it is refused here, before a turn or a decode.
        if (OutputBounds.Check(size.Value, effect, images.MaxPixels, output) is { } outputTooLarge)
        {
            return outputTooLarge;
        }

        // What else the header and the fields decide: a region inside the photo, a background picture that decodes.
        if (output.Roi?.Resolve(size.Value) is { IsSuccess: false } roi)
        {
            return roi.Error!;
        }

        if (effect.Picture is { } picture && images.Probe(picture.Image) is { IsSuccess: false } background)
        {
            return DomainErrors.Image.UndecodableBackground("bg_image", background.Error!);
        }

        var timeoutSeconds = scheduler.TimeoutSeconds;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        var turn = await WaitForTurnAsync(size.Value.Pixels, deadline.Token, cancellationToken);
        if (!turn.IsSuccess)
        {
            return turn.Error!;
        }

        using var heldTurn = turn.Value;

        var decoded = images.Decode(command.Image);
        if (!decoded.IsSuccess)
        {
            return decoded.Error!;
        }

        using var photo = decoded.Value;
        Result<Prediction> predicted;
        try
        {
            predicted = await remover.PredictAsync(photo, model, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our deadline, not the client's disconnect: a value, so the charge is released and the client told why.
            return DomainErrors.Inference.Timeout(timeoutSeconds);
        }

        if (!predicted.IsSuccess)
        {
            return predicted.Error!;
        }

        // The handler owns the photo and the matte from here to the end of the request; the steps below borrow them.
        using var mask = predicted.Value.Mask;

        // The matte is delivered as the model drew it, so only a composed result needs the photo's edge colours cleaned.
        // The step (and the working grid it holds) is disposed here, before rendering, which does not need it.
        using (var decontamination = predicted.Value.Decontamination)
        {
            if (effect is not MaskEffect)
            {
                decontamination?.ApplyInPlace(photo, mask);
            }
        }

        // Rendering does not watch the token: a client that left during the model run is not worth the encode. (Charging
        // does not depend on this; the credit check looks again after the handler.)
        cancellationToken.ThrowIfCancellationRequested();
        var rendered = images.RenderInPlace(photo, mask, effect, output);
        if (output.RequireForeground && rendered.Foreground is null)
        {
            rendered.Content.Dispose();
            return DomainErrors.Image.NoForeground;
        }

        return new ProcessedImage(
            rendered.Content, rendered.ContentType ?? output.ContentType, rendered.Width, rendered.Height, predicted.Value.ModelTime)
        {
            Foreground = rendered.Foreground,
        };
    }

    /// <summary>The turn, or <c>timeout</c> when our deadline (not the client's disconnect) ran out while waiting.</summary>
    private async ValueTask<Result<IDisposable>> WaitForTurnAsync(long pixels, CancellationToken deadline, CancellationToken clientGone)
    {
        try
        {
            return Result<IDisposable>.Success(await scheduler.WaitForTurnAsync(pixels, deadline));
        }
        catch (OperationCanceledException) when (!clientGone.IsCancellationRequested)
        {
            return DomainErrors.Inference.Timeout(scheduler.TimeoutSeconds);
        }
    }
}
