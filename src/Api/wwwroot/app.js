// The demo page: one form that posts to this server's own API with fetch + FormData, nothing else.

const KEY_STORAGE = "fapihub.apiKey";

// Response headers worth showing, in this order; absent ones are skipped.
const SHOWN_HEADERS = [
  "X-Request-Id",
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "X-Credits-Charged",
  "X-Credits-Remaining",
  "X-Quota-Remaining",
  "Retry-After",
  "X-Inference-Ms",
  "X-Processing-Ms",
  "Content-Type",
];

// Which fields each endpoint takes besides the image and the output options.
const EFFECT_FIELDS = {
  cutout: ["model"],
  mask: ["model"],
  blur: ["radius"],
  color: ["bgcolor"],
  gradient: ["top_color", "bottom_color"],
  shadow: ["offset_x", "offset_y", "blur_radius", "shadow_color"],
};

const EXTENSIONS = { "image/png": "png", "image/webp": "webp", "image/jpeg": "jpg" };

const $ = (id) => document.getElementById(id);
const form = $("demo");
const keyInput = $("api-key");
const fileInput = $("image");
const dropZone = $("drop-zone");
const effectSelect = $("effect");
const submitButton = $("submit");
const statusBox = $("status");
const errorBox = $("error");
const originalImage = $("original");
const resultImage = $("result");
const download = $("download");

let originalUrl = null;
let resultUrl = null;

// --- the key: this tab's sessionStorage only, never localStorage or a cookie -----------------------------------------

keyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? "";
keyInput.addEventListener("input", () => {
  const key = keyInput.value.trim();
  if (key) {
    sessionStorage.setItem(KEY_STORAGE, key);
  } else {
    sessionStorage.removeItem(KEY_STORAGE);
  }
});
$("forget-key").addEventListener("click", () => {
  sessionStorage.removeItem(KEY_STORAGE);
  keyInput.value = "";
  keyInput.focus();
  setStatus("The key was removed from this tab.");
});

// --- the photo: the file input, or a file dropped on its label -------------------------------------------------------

fileInput.addEventListener("change", () => showOriginal(fileInput.files[0]));

for (const type of ["dragenter", "dragover"]) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add("dragging");
  });
}
for (const type of ["dragleave", "drop"]) {
  dropZone.addEventListener(type, () => dropZone.classList.remove("dragging"));
}
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  const file = event.dataTransfer?.files?.[0];
  if (!file) {
    return;
  }
  // Put the dropped file into the real input, so the form has one source of truth either way.
  const transfer = new DataTransfer();
  transfer.items.add(file);
  fileInput.files = transfer.files;
  showOriginal(file);
});

function showOriginal(file) {
  $("image-name").textContent = file ? `${file.name} (${formatBytes(file.size)})` : "No file chosen";
  clearResult();
  if (originalUrl) {
    URL.revokeObjectURL(originalUrl);
    originalUrl = null;
  }
  if (!file) {
    originalImage.hidden = true;
    $("original-size").textContent = "";
    return;
  }
  originalUrl = URL.createObjectURL(file);
  showImage(originalImage, originalUrl, $("original-size"));
}

// --- the endpoint: show only its fields, and disable the others so they are never sent -------------------------------

function showEffectFields() {
  const effect = effectSelect.value;
  for (const group of form.querySelectorAll("[data-for]")) {
    const active = group.dataset.for.split(" ").includes(effect);
    group.hidden = !active;
    for (const control of group.querySelectorAll("input, select")) {
      control.disabled = !active;
    }
  }
  submitButton.textContent = effect === "mask" ? "Predict the mask" : "Remove background";
}
effectSelect.addEventListener("change", showEffectFields);
showEffectFields();

// The model list is the server's catalogue, as its OpenAPI document states it (an operator may add models); the
// three bundled names in the HTML stay if the document cannot be read.
loadModels();

async function loadModels() {
  try {
    const response = await fetch("swagger/v1/swagger.json");
    if (!response.ok) {
      return;
    }
    const document = await response.json();
    for (const path of Object.values(document.paths ?? {})) {
      const schema = path.post?.requestBody?.content?.["multipart/form-data"]?.schema;
      const model = schema?.properties?.model;
      if (Array.isArray(model?.enum) && model.enum.length > 0) {
        const select = $("model");
        select.replaceChildren(...model.enum.map((name) => new Option(name, name, false, name === model.default)));
        return;
      }
    }
  } catch {
    // Swagger off or unreachable: keep the built-in list.
  }
}

// --- the call --------------------------------------------------------------------------------------------------------

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  const file = fileInput.files[0];
  if (!key) {
    showError("Enter your API key first.");
    keyInput.focus();
    return;
  }
  if (!file) {
    showError("Choose a photo first.");
    fileInput.focus();
    return;
  }

  const effect = effectSelect.value;
  const path = effectSelect.selectedOptions[0].dataset.path;
  const body = new FormData();
  body.append("image", file, file.name);
  for (const name of EFFECT_FIELDS[effect]) {
    body.append(name, form.elements[name].value);
  }
  body.append("format", form.elements.format.value);
  if (form.elements.crop.checked) {
    body.append("crop", "true");
  }

  clearResult();
  hideError();
  submitButton.disabled = true;
  form.setAttribute("aria-busy", "true");
  setStatus(`Sending ${file.name} to ${path} …`);
  const started = performance.now();
  try {
    const response = await fetch(path, { method: "POST", headers: { ApiKey: key }, body });
    showHeaders(response.headers);
    if (!response.ok) {
      setStatus("");
      showError(await describeError(response));
      return;
    }
    const blob = await response.blob();
    resultUrl = URL.createObjectURL(blob);
    showImage(resultImage, resultUrl, $("result-size"));
    download.href = resultUrl;
    download.download = `${baseName(file.name)}-${effect}.${EXTENSIONS[blob.type] ?? "png"}`;
    download.hidden = false;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    setStatus(`Done in ${seconds} s: ${formatBytes(blob.size)} of ${blob.type || "image"}.`);
  } catch (error) {
    setStatus("");
    showError(`The server could not be reached (${error.message}).`);
  } finally {
    submitButton.disabled = false;
    form.removeAttribute("aria-busy");
  }
});

/** The envelope's message, with the status and code, and how long to wait when the server says so. */
async function describeError(response) {
  let code = "";
  let message = "";
  let retryAfter = null;
  try {
    const envelope = await response.json();
    code = envelope?.error?.code ?? "";
    message = envelope?.error?.message ?? "";
    retryAfter = envelope?.error?.retry_after ?? null;
  } catch {
    // Not the JSON envelope (a proxy in front, say): fall back to the status line.
  }
  retryAfter ??= response.headers.get("Retry-After");
  let text = `${response.status}${code ? ` ${code}` : ""}: ${message || response.statusText || "the request failed"}`;
  if (retryAfter !== null && retryAfter !== "") {
    text += ` Try again in ${formatWait(Number(retryAfter))}.`;
  }
  if (response.status === 401) {
    text += " Check the API key above.";
  }
  return text;
}

// --- small helpers ---------------------------------------------------------------------------------------------------

function showImage(img, url, sizeLabel) {
  sizeLabel.textContent = "";
  img.onload = () => {
    sizeLabel.textContent = `${img.naturalWidth} × ${img.naturalHeight}`;
    img.dataset.loaded = "true";
  };
  delete img.dataset.loaded;
  img.src = url;
  img.hidden = false;
}

function clearResult() {
  if (resultUrl) {
    URL.revokeObjectURL(resultUrl);
    resultUrl = null;
  }
  resultImage.hidden = true;
  resultImage.removeAttribute("src");
  delete resultImage.dataset.loaded;
  $("result-size").textContent = "";
  download.hidden = true;
  download.removeAttribute("href");
}

function showHeaders(headers) {
  const rows = SHOWN_HEADERS.filter((name) => headers.has(name)).map((name) => {
    const row = document.createElement("div");
    const term = document.createElement("dt");
    const value = document.createElement("dd");
    term.textContent = name;
    value.textContent = headers.get(name);
    row.append(term, value);
    return row;
  });
  $("headers").replaceChildren(...rows);
}

function setStatus(text) {
  statusBox.textContent = text;
}

// The alert region stays in the page while empty (CSS hides only its box): a live region created or unhidden
// together with its text is not announced reliably.
function showError(text) {
  errorBox.textContent = text;
}

function hideError() {
  errorBox.textContent = "";
}

function baseName(fileName) {
  return fileName.replace(/\.[^.]*$/, "") || "image";
}

function formatBytes(bytes) {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatWait(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return "a moment";
  }
  if (seconds < 120) {
    return `${seconds} s`;
  }
  if (seconds < 2 * 3600) {
    return `${Math.ceil(seconds / 60)} min`;
  }
  if (seconds < 2 * 86400) {
    return `${Math.ceil(seconds / 3600)} h`;
  }
  return `${Math.ceil(seconds / 86400)} days`;
}
