//! The PDF guide, read back with poppler-utils (`pdfinfo`, `pdftotext`,
//! `pdftohtml` for the bookmarks, `pdftoppm` for screenshots): metadata,
//! every published aid and no draft, bookmarks, records full of Typst and
//! Markdown syntax shown as the text they are, template errors located.
//! poppler-utils missing is a failure, not a skip: `tests/run-all.sh`
//! installs it.
#![cfg(feature = "pdf")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Runs a poppler tool on a PDF file; its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "`{tool}` introuvable ({e}) : installez poppler-utils (tests/run-all.sh le fait)"
            )
        });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text compared without spaces, hyphens (line-end hyphenation) or
/// apostrophe and quote variants.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}'))
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

struct Pdf {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Pdf {
    fn new(bytes: &[u8]) -> Pdf {
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guide.pdf");
        std::fs::write(&path, bytes).unwrap();
        Pdf { path, _dir: dir }
    }
    fn info(&self, key: &str) -> String {
        poppler("pdfinfo", &[], &self.path)
            .lines()
            .find_map(|l| {
                l.strip_prefix(&format!("{key}:"))
                    .map(|v| v.trim().to_string())
            })
            .unwrap_or_default()
    }
    fn pages(&self) -> usize {
        self.info("Pages").parse().unwrap()
    }
    fn text(&self) -> String {
        poppler("pdftotext", &[], &self.path)
    }
    fn page_text(&self, page: usize) -> String {
        let p = page.to_string();
        poppler("pdftotext", &["-f", &p, "-l", &p], &self.path)
    }
    /// The bookmarks, as `pdftohtml -xml` lists them (`<outline>` items).
    fn bookmarks(&self) -> Vec<String> {
        let xml = poppler("pdftohtml", &["-xml", "-i", "-q", "-stdout"], &self.path);
        let start = xml.find("<outline>").expect("the PDF has bookmarks");
        xml[start..]
            .split("<item")
            .skip(1)
            .filter_map(|i| {
                let text = i.split_once('>')?.1.split('<').next()?;
                Some(
                    text.replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&#39;", "'")
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&"),
                )
            })
            .collect()
    }
}

fn yaml_titles(root: &Path, statut: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root.join("content/aides")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if !text
            .lines()
            .any(|l| l.trim() == format!("statut: {statut}"))
        {
            continue;
        }
        let title = text
            .lines()
            .find_map(|l| l.strip_prefix("titre:"))
            .unwrap()
            .trim()
            .trim_matches('"')
            .to_string();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((id, title));
    }
    assert!(!out.is_empty());
    out
}

/// Checks what every edition of the guide must have; returns the PDF.
fn check(root: &Path, output: &vitrine::render::Output, pdf_name: &str, title: &str) -> Pdf {
    let bytes = output
        .get(&format!("guide/{pdf_name}"))
        .unwrap_or_else(|| panic!("guide/{pdf_name} not written"));
    let pdf = Pdf::new(bytes);
    assert!(pdf.pages() > 1, "{} pages", pdf.pages());
    assert_eq!(norm(&pdf.info("Title")), norm(title));
    let text = norm(&pdf.text());
    let bookmarks: Vec<String> = pdf.bookmarks().iter().map(|b| norm(b)).collect();
    for (id, t) in yaml_titles(root, "publie") {
        assert!(
            text.contains(&norm(&t)),
            "aid {id} ({t}) missing from the PDF"
        );
        assert!(
            bookmarks.contains(&norm(&t)),
            "aid {id} has no bookmark: {bookmarks:?}"
        );
    }
    for (id, t) in yaml_titles(root, "brouillon") {
        assert!(!text.contains(&norm(&t)), "draft {id} in the PDF");
    }
    // Clickable links: to addresses outside, and to pages of the guide
    // (contacts, pages), which pdftohtml writes `<file>.html#<page>`.
    let xml = poppler("pdftohtml", &["-xml", "-i", "-q", "-stdout"], &pdf.path);
    assert!(xml.contains("<a href=\"https://"), "no external link");
    assert!(xml.contains(".html#"), "no internal link");
    // The cover: title and edition date; the table of contents, with pages.
    let cover = norm(&pdf.page_text(1));
    assert!(
        cover.contains(&norm(title)) && cover.contains("àjourau"),
        "{cover}"
    );
    let toc = pdf.page_text(2);
    assert!(toc.contains("Sommaire"), "{toc}");
    assert!(
        toc.lines()
            .any(|l| l.trim_end().ends_with(char::is_numeric)),
        "{toc}"
    );
    // Each entry links to the page it gives, where its part or group is
    // (the parts are typeset apart, the contents and links assembled).
    let toc_xml = poppler(
        "pdftohtml",
        &["-xml", "-i", "-q", "-stdout", "-f", "2", "-l", "2"],
        &pdf.path,
    );
    let mut entries = 0;
    for link in toc_xml.split("<a href=\"").skip(1) {
        let (href, rest) = link.split_once("\">").unwrap();
        let target: usize = href.rsplit_once('#').unwrap().1.parse().unwrap();
        let text = rest
            .split("</a>")
            .next()
            .unwrap()
            .replace("<b>", "")
            .replace("</b>", "");
        let (title, page) = text.split_once(" . ").unwrap();
        let page: usize = page
            .trim_end_matches(['.', ' '])
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(target, page, "{text}");
        let title = title.replace("&#39;", "'").replace("&amp;", "&");
        assert!(
            norm(&pdf.page_text(page)).contains(&norm(&title)),
            "{title} not on page {page}"
        );
        entries += 1;
    }
    assert!(entries >= 2, "{toc_xml}");
    // Every page but the covers has its number and the total.
    let pages = pdf.pages();
    for page in [2, pages / 2 + 1, pages - 1] {
        let text = pdf.page_text(page);
        assert!(
            text.contains(&format!("{page} / {pages}")),
            "page {page}: {text}"
        );
    }
    pdf
}

#[test]
fn the_fixture_pdf_has_its_metadata_every_published_aid_and_bookmarks() {
    let site = mini_site();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let pdf = check(
        site.path(),
        &built.output,
        "guide-test.pdf",
        "Guide de test",
    );
    let bookmarks = pdf.bookmarks();
    for part in ["Les aides", "Contacts"] {
        assert!(bookmarks.iter().any(|b| b == part), "{part}: {bookmarks:?}");
    }
    // The HTML guide links to the PDF only when it is written.
    let html = String::from_utf8_lossy(&built.output["guide/index.html"]);
    assert!(
        html.contains("href=\"/guide/guide/guide-test.pdf\""),
        "{html}"
    );
    // Closed schemes are in their table.
    assert!(norm(&pdf.text()).contains(&norm("Ancien contrat")));
}

#[test]
fn the_shipped_pdf_is_complete_and_screenshots_are_taken() {
    let site = shipped_site();
    let start = std::time::Instant::now();
    let built = vitrine::build(&options(site.path())).ok().unwrap();
    let elapsed = start.elapsed();
    let yaml = std::fs::read_to_string(site.path().join("content/site.yaml")).unwrap();
    let title = yaml
        .lines()
        .skip_while(|l| !l.starts_with("guide:"))
        .find_map(|l| l.trim().strip_prefix("titre:"))
        .unwrap()
        .trim()
        .to_string();
    let name = "guide-installation-seine-et-marne.pdf";
    let pdf = check(site.path(), &built.output, name, &title);
    eprintln!(
        "shipped guide: {} pages, {} bytes, build {elapsed:?}",
        pdf.pages(),
        built.output[&format!("guide/{name}")].len()
    );
    // On paper the site is found again: its address on the cover and on
    // the back cover, and the address of every
    // link to another site printed in a footnote.
    let address = "guide-installation.seine-et-marne.fr";
    assert!(pdf.page_text(1).contains(address), "{}", pdf.page_text(1));
    assert!(pdf.page_text(pdf.pages()).contains(address));
    let all: String = (1..=pdf.pages()).map(|p| pdf.page_text(p)).collect();
    let cesp_source = "www.ordre.pharmacien.fr/les-communications";
    assert!(
        norm(&all).contains(&norm(cesp_source)),
        "no link URL printed"
    );
    // Screenshots for a human eye: cover, contents, the first aids page.
    let shots = manifest().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    // The page with the most aids on it.
    let aids_page = (3..=pdf.pages())
        .max_by_key(|p| (pdf.page_text(*p).matches("MONTANT").count(), usize::MAX - p))
        .filter(|p| pdf.page_text(*p).contains("MONTANT"))
        .expect("a page of aids");
    for (page, name) in [(1, "couverture"), (2, "sommaire"), (aids_page, "aides")] {
        let p = page.to_string();
        let prefix = shots.join(format!("pdf-{name}"));
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "80", "-singlefile", "-f", &p, "-l", &p])
            .arg(&pdf.path)
            .arg(&prefix)
            .status()
            .expect("pdftoppm (poppler-utils)");
        assert!(status.success());
    }
}

#[test]
fn with_zonage_data_the_pdf_has_the_map_and_the_communes_by_class() {
    let site = shipped_site();
    std::fs::write(
        site.path().join("content/territoire/zonage.csv"),
        "profession,insee,classe,du,au,arrete,arrete_url\n\
         medecin_generaliste,77333,zip,2025-12-09,,Arrêté d'essai,\n\
         medecin_generaliste,77288,zac,2025-12-09,,Arrêté d'essai,\n",
    )
    .unwrap();
    let built = vitrine::build(&options(site.path()))
        .unwrap_or_else(|f| panic!("{}", vitrine::diag::render(&f.diags, &f.sources, false)));
    let pdf = Pdf::new(&built.output["guide/guide-installation-seine-et-marne.pdf"]);
    let page = (1..=pdf.pages())
        .find(|p| pdf.page_text(*p).contains("Commune avec un lieu de stage"))
        .expect("a page with the map's legend");
    let text = norm(&pdf.page_text(page));
    for needle in [
        "Zonage : Médecins généralistes",
        "(ZIP) (1 commune)",
        "(ZAC) (1 commune)",
        "(ZIP) : Nemours.",
        "(ZAC) : Melun.",
    ] {
        assert!(
            text.contains(&norm(needle)),
            "{needle} missing from: {text}"
        );
    }
    // The map is drawn (vector paths), not left out: the page is much
    // larger than a page of text alone.
    let shots = manifest().join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let p = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-singlefile", "-f", &p, "-l", &p])
        .arg(&pdf.path)
        .arg(shots.join("pdf-carte"))
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success());
    let png = std::fs::read(shots.join("pdf-carte.png")).unwrap();
    assert!(png.len() > 40_000, "map page image of {} bytes", png.len());
}

/// A record written to break the document: Typst and Markdown syntax in a
/// plain field and in Markdown fields.
const NASTY: &str = r#"Prime #1 $5 *gras* _x_ @ref <lbl> [a](b) \ ~ = "#;

#[test]
fn typst_and_markdown_syntax_in_a_record_is_shown_as_text() {
    let site = mini_site();
    let file = site.path().join("content/aides/prime-installation.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    let title = yaml.lines().find(|l| l.starts_with("titre:")).unwrap();
    let resume = yaml.lines().find(|l| l.starts_with("resume:")).unwrap();
    let markdown = "|\n  Prime \\#1 $5 @ref `#set page(width: 1cm)` #pagebreak() ~ \\\\ [a] = x\n\n  = pas un titre\n\n  \\- pas une liste ; +1 -2 //\n\n  ```\n  #set text(size: 1pt)\n  ```\n";
    let yaml = yaml
        .replace(
            title,
            "titre: \"Prime #1 $5 *gras* _x_ @ref <lbl> [a](b) \\\\ ~ = \"",
        )
        .replace(
            resume,
            "resume: \"#set text(size: 1pt) #pagebreak() $x$ ]) } //\"",
        )
        .replace(
            "statut: publie",
            &format!("comment_candidater: {markdown}avertissement: {markdown}statut: publie"),
        );
    std::fs::write(&file, yaml).unwrap();
    let built = vitrine::build(&options(site.path()))
        .map_err(|f| format!("{:?}", f.diags))
        .unwrap();
    let pdf = Pdf::new(&built.output["guide/guide-test.pdf"]);
    let text = norm(&pdf.text());
    for expected in [
        NASTY,
        "#set text(size: 1pt) #pagebreak() $x$ ]) } //",
        "Prime #1 $5 @ref #set page(width: 1cm) #pagebreak() ~ \\ [a] = x",
        "= pas un titre",
        "- pas une liste ; +1 -2 //",
        "#set text(size: 1pt)",
    ] {
        assert!(
            text.contains(&norm(expected)),
            "{expected:?} not in the PDF:\n{text}"
        );
    }
    let bookmarks = pdf.bookmarks();
    assert!(
        bookmarks.iter().any(|b| b.trim() == NASTY.trim()),
        "{bookmarks:?}"
    );
}

#[test]
fn an_error_in_an_overriding_pdf_template_is_located_and_fails_the_build() {
    let site = mini_site();
    let dir = site.path().join("themes/casse/typst");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("guide.typ"),
        "#let g = json(\"guide.json\")\n= #g.titre\n\nTexte #inconnue(1)\n",
    )
    .unwrap();
    let yaml_path = site.path().join("content/site.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    std::fs::write(&yaml_path, format!("theme: casse\n{yaml}")).unwrap();
    let failed = vitrine::build(&options(site.path()))
        .err()
        .expect("the build fails");
    let d = failed
        .diags
        .sorted()
        .into_iter()
        .find(|d| d.file == "themes/casse/typst/guide.typ")
        .unwrap_or_else(|| panic!("{:?}", failed.diags));
    let span = d.span.as_ref().expect("a location");
    assert_eq!((span.line, span.column), (4, 8), "{d:?}");
    assert!(d.message.contains("inconnue"), "{}", d.message);
    // The command line says where, and exits non-zero.
    let out = Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("themes/casse/typst/guide.typ:4:8"),
        "{stderr}"
    );
}
