; Inno Setup 6 script: the Windows installer of hsb-whisper.
;
; Installs the PyInstaller one-folder build of one flavour (dist\<Flavor>\hsb-whisper\, made by
; `python scripts/build_bundle.py --flavor <Flavor>` with packaging/hsb-whisper.spec), with the icon
; made by scripts/make_icons.py (build\icons\). Run after the build, from anywhere; paths are
; relative to the repository root (SourceDir below):
;
;   iscc /DAppVersion=0.1.0 /DFlavor=transcriber packaging\windows\hsb-whisper.iss
;
; The folder holds two programs: hsb-whisper-app.exe (no console window: the app, which the
; shortcuts start) and hsb-whisper.exe (console: the command line and --selftest).
;
; Writes dist\hsb-whisper-<AppVersion>-windows-x64-<Flavor>-setup.exe.
;
; One file, never split: DiskSpanning=no. Peers' multi-part installers (setup.exe + setup-1.bin …)
; confused users, who downloaded only the .exe (Buzz #1434). Inno Setup needs spanning only above
; 4.2 GB compressed, and models other than the embedded default are kept out of the installer,
; so both flavours should fit (not yet measured for "full", with torch); past that limit the
; compiler stops with an error instead of splitting.
;
; Visual C++ runtime: onnxruntime (the voice-activity filter of faster-whisper) needs a recent
; msvcp140.dll / vcruntime140.dll / vcruntime140_1.dll and fails at import with an old or missing
; one (onnxruntime #25193). The bundle brings these DLLs itself (PyInstaller collects the VC++
; runtime DLLs the bundled libraries link against into _internal\, where the program loads them
; first), so they are installed like every other file and the machine's own runtime is not used;
; this script therefore neither runs vc_redist.x64.exe nor checks for it. Should the bundle ever
; lack them (the self-test fails at "vad" on a clean Windows), bundle vc_redist.x64.exe here instead
; ([Files] to {tmp}, [Run] "vc_redist.x64.exe /install /quiet /norestart" with Check: on the
; registry key HKLM\SOFTWARE\Microsoft\VisualStudio\14.0\VC\Runtimes\x64 "Installed").

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=<hsb_whisper.__version__> /DFlavor=<transcriber|full>
#endif
#ifndef Flavor
  #error Pass the flavour: iscc /DFlavor=transcriber (or full) /DAppVersion=<version>
#endif
#if Flavor != "transcriber" && Flavor != "full"
  #error Flavor must be transcriber or full
#endif

#define AppName "hsb-whisper"
; The app, without a console window (hsb-whisper.exe beside it is the command line).
#define AppExe "hsb-whisper-app.exe"

[Setup]
; The same AppId for both flavours: installing one replaces the other (same folder, one entry in
; "Installed apps"). Never change it, or upgrades install a second copy.
AppId={{D29A156D-F798-46FC-86B0-01F5F77A4983}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion} ({#Flavor})
AppPublisher=hsb-whisper developers
AppComments=Offline speech recognition for Upper Sorbian
SourceDir=..\..
OutputDir=dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-{#Flavor}-setup
SetupIconFile=build\icons\hsb-whisper.ico
LicenseFile=LICENSE
; Per-user install without administrator rights is allowed: the first page asks "for me only" or
; "for all users"; {autopf} is then %LOCALAPPDATA%\Programs or C:\Program Files.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes
DiskSpanning=no
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion} ({#Flavor})
; The app must not be running while its files are replaced or removed.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "de"; MessagesFile: "compiler:Languages\German.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole program folder: files that a previous version had and this one has
; not (renamed libraries) must not stay behind and be loaded instead of the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\{#Flavor}\hsb-whisper\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; Uninstalling removes the program folder only. The user's data folder (downloaded models,
; settings, logs; hsb_whisper.paths) is left in place, like a document.
